"""Reference data the Technical Cooperation Programme ships with.

Loaded by migration ``tcp/migrations/0002_reference_data.py`` and safe to run
again: :func:`load` upserts every entry on its natural key (``iso3`` for a
country, ``code`` for everything else), so editing a constant here and
calling ``load`` once more brings the database in line without duplicates.

Sources:

* Countries: ISO 3166-1 (all 249 officially assigned alpha-2/alpha-3 codes,
  states and territories), named with the UN's short names (UNTERM / the UN
  Statistics Division's M49 list, e.g. "Türkiye",
  "Bolivia (Plurinational State of)"). Regions follow OHCHR's five field
  groupings rather than M49: Middle East and North Africa takes the Arab
  states of North Africa and the Gulf, Israel, the State of Palestine,
  Western Sahara and Mauritania; Europe and Central Asia takes the Central
  Asian republics, the South Caucasus, Türkiye, Cyprus and the Russian
  Federation; Africa is sub-Saharan Africa (Sudan, Somalia, Djibouti and the
  Comoros included); Iran and Afghanistan are in Asia and the Pacific.
  Territories follow their geography (Greenland and the Falklands in the
  Americas, Réunion and Mayotte in Africa, the Pacific territories in Asia
  and the Pacific). Antarctica has no region of its own and is put with the
  Americas.
* Least developed countries: the UN LDC list as of 13 December 2024
  (UN-OHRLLS / CDP), 44 countries, after Bhutan's graduation
  (13 December 2023) and Sao Tome and Principe's (13 December 2024).
  Solomon Islands stays on the list (graduation deferred to December 2027),
  as do Bangladesh, the Lao People's Democratic Republic and Nepal
  (scheduled for November 2026).
* Board of Trustees components, thematic areas, forms of assistance and
  partners: OHCHR's public pages on technical cooperation and the
  Secretary-General's reports on advisory services and technical
  cooperation in the field of human rights.
* Sustainable Development Goals: General Assembly resolution 70/1.
* Field presences: a representative set of OHCHR country and regional
  offices, human rights advisers and human rights components of UN peace
  and political missions; administrators keep it current in the admin.
"""

from __future__ import annotations

from typing import Any

AFRICA = "africa"
AMERICAS = "americas"
ASIA_PACIFIC = "asia_pacific"
ECA = "europe_central_asia"
MENA = "mena"

# (iso2, iso3, UN short name, OHCHR region, on the UN LDC list as of 13 December 2024)
COUNTRIES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("AF", "AFG", "Afghanistan", ASIA_PACIFIC, True),
    ("AX", "ALA", "Åland Islands", ECA, False),
    ("AL", "ALB", "Albania", ECA, False),
    ("DZ", "DZA", "Algeria", MENA, False),
    ("AS", "ASM", "American Samoa", ASIA_PACIFIC, False),
    ("AD", "AND", "Andorra", ECA, False),
    ("AO", "AGO", "Angola", AFRICA, True),
    ("AI", "AIA", "Anguilla", AMERICAS, False),
    ("AQ", "ATA", "Antarctica", AMERICAS, False),
    ("AG", "ATG", "Antigua and Barbuda", AMERICAS, False),
    ("AR", "ARG", "Argentina", AMERICAS, False),
    ("AM", "ARM", "Armenia", ECA, False),
    ("AW", "ABW", "Aruba", AMERICAS, False),
    ("AU", "AUS", "Australia", ASIA_PACIFIC, False),
    ("AT", "AUT", "Austria", ECA, False),
    ("AZ", "AZE", "Azerbaijan", ECA, False),
    ("BS", "BHS", "Bahamas", AMERICAS, False),
    ("BH", "BHR", "Bahrain", MENA, False),
    ("BD", "BGD", "Bangladesh", ASIA_PACIFIC, True),
    ("BB", "BRB", "Barbados", AMERICAS, False),
    ("BY", "BLR", "Belarus", ECA, False),
    ("BE", "BEL", "Belgium", ECA, False),
    ("BZ", "BLZ", "Belize", AMERICAS, False),
    ("BJ", "BEN", "Benin", AFRICA, True),
    ("BM", "BMU", "Bermuda", AMERICAS, False),
    ("BT", "BTN", "Bhutan", ASIA_PACIFIC, False),
    ("BO", "BOL", "Bolivia (Plurinational State of)", AMERICAS, False),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba", AMERICAS, False),
    ("BA", "BIH", "Bosnia and Herzegovina", ECA, False),
    ("BW", "BWA", "Botswana", AFRICA, False),
    ("BV", "BVT", "Bouvet Island", AMERICAS, False),
    ("BR", "BRA", "Brazil", AMERICAS, False),
    ("IO", "IOT", "British Indian Ocean Territory", AFRICA, False),
    ("VG", "VGB", "British Virgin Islands", AMERICAS, False),
    ("BN", "BRN", "Brunei Darussalam", ASIA_PACIFIC, False),
    ("BG", "BGR", "Bulgaria", ECA, False),
    ("BF", "BFA", "Burkina Faso", AFRICA, True),
    ("BI", "BDI", "Burundi", AFRICA, True),
    ("CV", "CPV", "Cabo Verde", AFRICA, False),
    ("KH", "KHM", "Cambodia", ASIA_PACIFIC, True),
    ("CM", "CMR", "Cameroon", AFRICA, False),
    ("CA", "CAN", "Canada", AMERICAS, False),
    ("KY", "CYM", "Cayman Islands", AMERICAS, False),
    ("CF", "CAF", "Central African Republic", AFRICA, True),
    ("TD", "TCD", "Chad", AFRICA, True),
    ("CL", "CHL", "Chile", AMERICAS, False),
    ("CN", "CHN", "China", ASIA_PACIFIC, False),
    ("HK", "HKG", "China, Hong Kong Special Administrative Region", ASIA_PACIFIC, False),
    ("MO", "MAC", "China, Macao Special Administrative Region", ASIA_PACIFIC, False),
    ("CX", "CXR", "Christmas Island", ASIA_PACIFIC, False),
    ("CC", "CCK", "Cocos (Keeling) Islands", ASIA_PACIFIC, False),
    ("CO", "COL", "Colombia", AMERICAS, False),
    ("KM", "COM", "Comoros", AFRICA, True),
    ("CG", "COG", "Congo", AFRICA, False),
    ("CK", "COK", "Cook Islands", ASIA_PACIFIC, False),
    ("CR", "CRI", "Costa Rica", AMERICAS, False),
    ("CI", "CIV", "Côte d'Ivoire", AFRICA, False),
    ("HR", "HRV", "Croatia", ECA, False),
    ("CU", "CUB", "Cuba", AMERICAS, False),
    ("CW", "CUW", "Curaçao", AMERICAS, False),
    ("CY", "CYP", "Cyprus", ECA, False),
    ("CZ", "CZE", "Czechia", ECA, False),
    ("KP", "PRK", "Democratic People's Republic of Korea", ASIA_PACIFIC, False),
    ("CD", "COD", "Democratic Republic of the Congo", AFRICA, True),
    ("DK", "DNK", "Denmark", ECA, False),
    ("DJ", "DJI", "Djibouti", AFRICA, True),
    ("DM", "DMA", "Dominica", AMERICAS, False),
    ("DO", "DOM", "Dominican Republic", AMERICAS, False),
    ("EC", "ECU", "Ecuador", AMERICAS, False),
    ("EG", "EGY", "Egypt", MENA, False),
    ("SV", "SLV", "El Salvador", AMERICAS, False),
    ("GQ", "GNQ", "Equatorial Guinea", AFRICA, False),
    ("ER", "ERI", "Eritrea", AFRICA, True),
    ("EE", "EST", "Estonia", ECA, False),
    ("SZ", "SWZ", "Eswatini", AFRICA, False),
    ("ET", "ETH", "Ethiopia", AFRICA, True),
    ("FK", "FLK", "Falkland Islands (Malvinas)", AMERICAS, False),
    ("FO", "FRO", "Faroe Islands", ECA, False),
    ("FJ", "FJI", "Fiji", ASIA_PACIFIC, False),
    ("FI", "FIN", "Finland", ECA, False),
    ("FR", "FRA", "France", ECA, False),
    ("GF", "GUF", "French Guiana", AMERICAS, False),
    ("PF", "PYF", "French Polynesia", ASIA_PACIFIC, False),
    ("TF", "ATF", "French Southern Territories", AFRICA, False),
    ("GA", "GAB", "Gabon", AFRICA, False),
    ("GM", "GMB", "Gambia", AFRICA, True),
    ("GE", "GEO", "Georgia", ECA, False),
    ("DE", "DEU", "Germany", ECA, False),
    ("GH", "GHA", "Ghana", AFRICA, False),
    ("GI", "GIB", "Gibraltar", ECA, False),
    ("GR", "GRC", "Greece", ECA, False),
    ("GL", "GRL", "Greenland", AMERICAS, False),
    ("GD", "GRD", "Grenada", AMERICAS, False),
    ("GP", "GLP", "Guadeloupe", AMERICAS, False),
    ("GU", "GUM", "Guam", ASIA_PACIFIC, False),
    ("GT", "GTM", "Guatemala", AMERICAS, False),
    ("GG", "GGY", "Guernsey", ECA, False),
    ("GN", "GIN", "Guinea", AFRICA, True),
    ("GW", "GNB", "Guinea-Bissau", AFRICA, True),
    ("GY", "GUY", "Guyana", AMERICAS, False),
    ("HT", "HTI", "Haiti", AMERICAS, True),
    ("HM", "HMD", "Heard Island and McDonald Islands", ASIA_PACIFIC, False),
    ("VA", "VAT", "Holy See", ECA, False),
    ("HN", "HND", "Honduras", AMERICAS, False),
    ("HU", "HUN", "Hungary", ECA, False),
    ("IS", "ISL", "Iceland", ECA, False),
    ("IN", "IND", "India", ASIA_PACIFIC, False),
    ("ID", "IDN", "Indonesia", ASIA_PACIFIC, False),
    ("IR", "IRN", "Iran (Islamic Republic of)", ASIA_PACIFIC, False),
    ("IQ", "IRQ", "Iraq", MENA, False),
    ("IE", "IRL", "Ireland", ECA, False),
    ("IM", "IMN", "Isle of Man", ECA, False),
    ("IL", "ISR", "Israel", MENA, False),
    ("IT", "ITA", "Italy", ECA, False),
    ("JM", "JAM", "Jamaica", AMERICAS, False),
    ("JP", "JPN", "Japan", ASIA_PACIFIC, False),
    ("JE", "JEY", "Jersey", ECA, False),
    ("JO", "JOR", "Jordan", MENA, False),
    ("KZ", "KAZ", "Kazakhstan", ECA, False),
    ("KE", "KEN", "Kenya", AFRICA, False),
    ("KI", "KIR", "Kiribati", ASIA_PACIFIC, True),
    ("KW", "KWT", "Kuwait", MENA, False),
    ("KG", "KGZ", "Kyrgyzstan", ECA, False),
    ("LA", "LAO", "Lao People's Democratic Republic", ASIA_PACIFIC, True),
    ("LV", "LVA", "Latvia", ECA, False),
    ("LB", "LBN", "Lebanon", MENA, False),
    ("LS", "LSO", "Lesotho", AFRICA, True),
    ("LR", "LBR", "Liberia", AFRICA, True),
    ("LY", "LBY", "Libya", MENA, False),
    ("LI", "LIE", "Liechtenstein", ECA, False),
    ("LT", "LTU", "Lithuania", ECA, False),
    ("LU", "LUX", "Luxembourg", ECA, False),
    ("MG", "MDG", "Madagascar", AFRICA, True),
    ("MW", "MWI", "Malawi", AFRICA, True),
    ("MY", "MYS", "Malaysia", ASIA_PACIFIC, False),
    ("MV", "MDV", "Maldives", ASIA_PACIFIC, False),
    ("ML", "MLI", "Mali", AFRICA, True),
    ("MT", "MLT", "Malta", ECA, False),
    ("MH", "MHL", "Marshall Islands", ASIA_PACIFIC, False),
    ("MQ", "MTQ", "Martinique", AMERICAS, False),
    ("MR", "MRT", "Mauritania", MENA, True),
    ("MU", "MUS", "Mauritius", AFRICA, False),
    ("YT", "MYT", "Mayotte", AFRICA, False),
    ("MX", "MEX", "Mexico", AMERICAS, False),
    ("FM", "FSM", "Micronesia (Federated States of)", ASIA_PACIFIC, False),
    ("MC", "MCO", "Monaco", ECA, False),
    ("MN", "MNG", "Mongolia", ASIA_PACIFIC, False),
    ("ME", "MNE", "Montenegro", ECA, False),
    ("MS", "MSR", "Montserrat", AMERICAS, False),
    ("MA", "MAR", "Morocco", MENA, False),
    ("MZ", "MOZ", "Mozambique", AFRICA, True),
    ("MM", "MMR", "Myanmar", ASIA_PACIFIC, True),
    ("NA", "NAM", "Namibia", AFRICA, False),
    ("NR", "NRU", "Nauru", ASIA_PACIFIC, False),
    ("NP", "NPL", "Nepal", ASIA_PACIFIC, True),
    ("NL", "NLD", "Netherlands (Kingdom of the)", ECA, False),
    ("NC", "NCL", "New Caledonia", ASIA_PACIFIC, False),
    ("NZ", "NZL", "New Zealand", ASIA_PACIFIC, False),
    ("NI", "NIC", "Nicaragua", AMERICAS, False),
    ("NE", "NER", "Niger", AFRICA, True),
    ("NG", "NGA", "Nigeria", AFRICA, False),
    ("NU", "NIU", "Niue", ASIA_PACIFIC, False),
    ("NF", "NFK", "Norfolk Island", ASIA_PACIFIC, False),
    ("MK", "MKD", "North Macedonia", ECA, False),
    ("MP", "MNP", "Northern Mariana Islands", ASIA_PACIFIC, False),
    ("NO", "NOR", "Norway", ECA, False),
    ("OM", "OMN", "Oman", MENA, False),
    ("PK", "PAK", "Pakistan", ASIA_PACIFIC, False),
    ("PW", "PLW", "Palau", ASIA_PACIFIC, False),
    ("PA", "PAN", "Panama", AMERICAS, False),
    ("PG", "PNG", "Papua New Guinea", ASIA_PACIFIC, False),
    ("PY", "PRY", "Paraguay", AMERICAS, False),
    ("PE", "PER", "Peru", AMERICAS, False),
    ("PH", "PHL", "Philippines", ASIA_PACIFIC, False),
    ("PN", "PCN", "Pitcairn", ASIA_PACIFIC, False),
    ("PL", "POL", "Poland", ECA, False),
    ("PT", "PRT", "Portugal", ECA, False),
    ("PR", "PRI", "Puerto Rico", AMERICAS, False),
    ("QA", "QAT", "Qatar", MENA, False),
    ("KR", "KOR", "Republic of Korea", ASIA_PACIFIC, False),
    ("MD", "MDA", "Republic of Moldova", ECA, False),
    ("RE", "REU", "Réunion", AFRICA, False),
    ("RO", "ROU", "Romania", ECA, False),
    ("RU", "RUS", "Russian Federation", ECA, False),
    ("RW", "RWA", "Rwanda", AFRICA, True),
    ("BL", "BLM", "Saint Barthélemy", AMERICAS, False),
    ("SH", "SHN", "Saint Helena", AFRICA, False),
    ("KN", "KNA", "Saint Kitts and Nevis", AMERICAS, False),
    ("LC", "LCA", "Saint Lucia", AMERICAS, False),
    ("MF", "MAF", "Saint Martin (French Part)", AMERICAS, False),
    ("PM", "SPM", "Saint Pierre and Miquelon", AMERICAS, False),
    ("VC", "VCT", "Saint Vincent and the Grenadines", AMERICAS, False),
    ("WS", "WSM", "Samoa", ASIA_PACIFIC, False),
    ("SM", "SMR", "San Marino", ECA, False),
    ("ST", "STP", "Sao Tome and Principe", AFRICA, False),
    ("SA", "SAU", "Saudi Arabia", MENA, False),
    ("SN", "SEN", "Senegal", AFRICA, True),
    ("RS", "SRB", "Serbia", ECA, False),
    ("SC", "SYC", "Seychelles", AFRICA, False),
    ("SL", "SLE", "Sierra Leone", AFRICA, True),
    ("SG", "SGP", "Singapore", ASIA_PACIFIC, False),
    ("SX", "SXM", "Sint Maarten (Dutch part)", AMERICAS, False),
    ("SK", "SVK", "Slovakia", ECA, False),
    ("SI", "SVN", "Slovenia", ECA, False),
    ("SB", "SLB", "Solomon Islands", ASIA_PACIFIC, True),
    ("SO", "SOM", "Somalia", AFRICA, True),
    ("ZA", "ZAF", "South Africa", AFRICA, False),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands", AMERICAS, False),
    ("SS", "SSD", "South Sudan", AFRICA, True),
    ("ES", "ESP", "Spain", ECA, False),
    ("LK", "LKA", "Sri Lanka", ASIA_PACIFIC, False),
    ("PS", "PSE", "State of Palestine", MENA, False),
    ("SD", "SDN", "Sudan", AFRICA, True),
    ("SR", "SUR", "Suriname", AMERICAS, False),
    ("SJ", "SJM", "Svalbard and Jan Mayen Islands", ECA, False),
    ("SE", "SWE", "Sweden", ECA, False),
    ("CH", "CHE", "Switzerland", ECA, False),
    ("SY", "SYR", "Syrian Arab Republic", MENA, False),
    ("TW", "TWN", "Taiwan Province of China", ASIA_PACIFIC, False),
    ("TJ", "TJK", "Tajikistan", ECA, False),
    ("TH", "THA", "Thailand", ASIA_PACIFIC, False),
    ("TL", "TLS", "Timor-Leste", ASIA_PACIFIC, True),
    ("TG", "TGO", "Togo", AFRICA, True),
    ("TK", "TKL", "Tokelau", ASIA_PACIFIC, False),
    ("TO", "TON", "Tonga", ASIA_PACIFIC, False),
    ("TT", "TTO", "Trinidad and Tobago", AMERICAS, False),
    ("TN", "TUN", "Tunisia", MENA, False),
    ("TR", "TUR", "Türkiye", ECA, False),
    ("TM", "TKM", "Turkmenistan", ECA, False),
    ("TC", "TCA", "Turks and Caicos Islands", AMERICAS, False),
    ("TV", "TUV", "Tuvalu", ASIA_PACIFIC, True),
    ("UG", "UGA", "Uganda", AFRICA, True),
    ("UA", "UKR", "Ukraine", ECA, False),
    ("AE", "ARE", "United Arab Emirates", MENA, False),
    ("GB", "GBR", "United Kingdom of Great Britain and Northern Ireland", ECA, False),
    ("TZ", "TZA", "United Republic of Tanzania", AFRICA, True),
    ("UM", "UMI", "United States Minor Outlying Islands", ASIA_PACIFIC, False),
    ("US", "USA", "United States of America", AMERICAS, False),
    ("VI", "VIR", "United States Virgin Islands", AMERICAS, False),
    ("UY", "URY", "Uruguay", AMERICAS, False),
    ("UZ", "UZB", "Uzbekistan", ECA, False),
    ("VU", "VUT", "Vanuatu", ASIA_PACIFIC, False),
    ("VE", "VEN", "Venezuela (Bolivarian Republic of)", AMERICAS, False),
    ("VN", "VNM", "Viet Nam", ASIA_PACIFIC, False),
    ("WF", "WLF", "Wallis and Futuna Islands", ASIA_PACIFIC, False),
    ("EH", "ESH", "Western Sahara", MENA, False),
    ("YE", "YEM", "Yemen", MENA, True),
    ("ZM", "ZMB", "Zambia", AFRICA, True),
    ("ZW", "ZWE", "Zimbabwe", AFRICA, False),
)

# (code, name, kind, acronym)
PARTNERS: tuple[tuple[str, str, str, str], ...] = (
    # United Nations entities. The Division for the Advancement of Women and
    # UNIFEM, named in the older texts, were merged into UN-Women in 2011.
    ("undp", "United Nations Development Programme", "un_agency", "UNDP"),
    ("unicef", "United Nations Children's Fund", "un_agency", "UNICEF"),
    ("unfpa", "United Nations Population Fund", "un_agency", "UNFPA"),
    (
        "un-women",
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "un_agency",
        "UN-Women",
    ),
    ("unhcr", "Office of the United Nations High Commissioner for Refugees", "un_agency", "UNHCR"),
    (
        "unesco",
        "United Nations Educational, Scientific and Cultural Organization",
        "un_agency",
        "UNESCO",
    ),
    ("ilo", "International Labour Organization", "un_agency", "ILO"),
    ("who", "World Health Organization", "un_agency", "WHO"),
    ("unodc", "United Nations Office on Drugs and Crime", "un_agency", "UNODC"),
    ("unops", "United Nations Office for Project Services", "un_agency", "UNOPS"),
    ("un-peace-operations", "United Nations Department of Peace Operations", "un_agency", "DPO"),
    (
        "un-dppa",
        "United Nations Department of Political and Peacebuilding Affairs",
        "un_agency",
        "DPPA",
    ),
    ("unssc", "United Nations System Staff College", "un_agency", "UNSSC"),
    # Regional and intergovernmental organisations.
    ("african-union", "African Union", "regional_organisation", "AU"),
    (
        "achpr",
        "African Commission on Human and Peoples' Rights",
        "regional_organisation",
        "ACHPR",
    ),
    ("oas", "Organization of American States", "regional_organisation", "OAS"),
    ("iachr", "Inter-American Commission on Human Rights", "regional_organisation", "IACHR"),
    ("council-of-europe", "Council of Europe", "regional_organisation", "CoE"),
    (
        "osce-odihr",
        "OSCE Office for Democratic Institutions and Human Rights",
        "regional_organisation",
        "OSCE/ODIHR",
    ),
    ("league-of-arab-states", "League of Arab States", "regional_organisation", "LAS"),
    (
        "aichr",
        "ASEAN Intergovernmental Commission on Human Rights",
        "regional_organisation",
        "AICHR",
    ),
    ("pacific-islands-forum", "Pacific Islands Forum", "regional_organisation", "PIF"),
    ("european-union", "European Union", "regional_organisation", "EU"),
    ("commonwealth-secretariat", "Commonwealth Secretariat", "regional_organisation", ""),
    (
        "oif",
        "Organisation internationale de la Francophonie",
        "regional_organisation",
        "OIF",
    ),
    # National human rights institutions and their networks.
    (
        "ganhri",
        "Global Alliance of National Human Rights Institutions",
        "nhri",
        "GANHRI",
    ),
    (
        "nanhri",
        "Network of African National Human Rights Institutions",
        "nhri",
        "NANHRI",
    ),
    ("apf", "Asia Pacific Forum of National Human Rights Institutions", "nhri", "APF"),
    (
        "ennhri",
        "European Network of National Human Rights Institutions",
        "nhri",
        "ENNHRI",
    ),
    (
        "rindhca",
        "Network of National Human Rights Institutions of the Americas",
        "nhri",
        "RINDHCA",
    ),
    # Non-governmental and academic partners named in the programme's texts.
    ("andean-commission-of-jurists", "Andean Commission of Jurists", "ngo", "CAJ"),
    ("iihr", "Inter-American Institute of Human Rights", "other", "IIHR"),
    (
        "ilanud",
        "United Nations Latin American Institute for the Prevention of Crime "
        "and the Treatment of Offenders",
        "other",
        "ILANUD",
    ),
)

# Field presences. ``partner`` names the organisation a joint office is run
# with (the peace or political mission's lead department); ``countries`` are
# the ISO alpha-3 codes the presence covers.
FIELD_PRESENCES: tuple[dict[str, Any], ...] = (
    # Country offices.
    {
        "code": "colombia-country-office",
        "name": "OHCHR Country Office in Colombia",
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["COL"],
    },
    {
        "code": "guatemala-country-office",
        "name": "OHCHR Country Office in Guatemala",
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["GTM"],
    },
    {
        "code": "honduras-country-office",
        "name": "OHCHR Country Office in Honduras",
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["HND"],
    },
    {
        "code": "mexico-country-office",
        "name": "OHCHR Country Office in Mexico",
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["MEX"],
    },
    {
        "code": "cambodia-country-office",
        "name": "OHCHR Country Office in Cambodia",
        "kind": "country_office",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["KHM"],
    },
    {
        "code": "guinea-country-office",
        "name": "OHCHR Country Office in Guinea",
        "kind": "country_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["GIN"],
    },
    {
        "code": "state-of-palestine-country-office",
        "name": "OHCHR Office in the Occupied Palestinian Territory",
        "kind": "country_office",
        "region": MENA,
        "partner": None,
        "countries": ["PSE"],
    },
    {
        "code": "yemen-country-office",
        "name": "OHCHR Country Office in Yemen",
        "kind": "country_office",
        "region": MENA,
        "partner": None,
        "countries": ["YEM"],
    },
    # Regional offices and centres.
    {
        "code": "east-africa-regional-office",
        "name": "OHCHR Regional Office for East Africa (Addis Ababa)",
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["DJI", "ERI", "ETH", "KEN", "RWA", "TZA", "UGA"],
    },
    {
        "code": "southern-africa-regional-office",
        "name": "OHCHR Regional Office for Southern Africa (Pretoria)",
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": [
            "AGO",
            "BWA",
            "COM",
            "LSO",
            "MOZ",
            "MUS",
            "MWI",
            "NAM",
            "SWZ",
            "SYC",
            "ZAF",
            "ZMB",
            "ZWE",
        ],
    },
    {
        "code": "west-africa-regional-office",
        "name": "OHCHR Regional Office for West Africa (Dakar)",
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": [
            "BEN",
            "BFA",
            "CIV",
            "CPV",
            "GHA",
            "GMB",
            "GNB",
            "LBR",
            "MLI",
            "NER",
            "NGA",
            "SEN",
            "SLE",
            "TGO",
        ],
    },
    {
        "code": "central-africa-regional-centre",
        "name": "United Nations Centre for Human Rights and Democracy in Central Africa (Yaoundé)",
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["BDI", "CMR", "COG", "GAB", "GNQ", "STP", "TCD"],
    },
    {
        "code": "central-america-regional-office",
        "name": (
            "OHCHR Regional Office for Central America and the Dominican Republic (Panama City)"
        ),
        "kind": "regional_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["BLZ", "CRI", "DOM", "NIC", "PAN", "SLV"],
    },
    {
        "code": "south-america-regional-office",
        "name": "OHCHR Regional Office for South America (Santiago)",
        "kind": "regional_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["ARG", "BOL", "BRA", "CHL", "ECU", "PER", "PRY", "URY"],
    },
    {
        "code": "south-east-asia-regional-office",
        "name": "OHCHR Regional Office for South-East Asia (Bangkok)",
        "kind": "regional_office",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["BRN", "IDN", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"],
    },
    {
        "code": "pacific-regional-office",
        "name": "OHCHR Regional Office for the Pacific (Suva)",
        "kind": "regional_office",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": [
            "FJI",
            "FSM",
            "KIR",
            "MHL",
            "NRU",
            "PLW",
            "SLB",
            "TON",
            "TUV",
            "VUT",
            "WSM",
        ],
    },
    {
        "code": "central-asia-regional-office",
        "name": "OHCHR Regional Office for Central Asia (Bishkek)",
        "kind": "regional_office",
        "region": ECA,
        "partner": None,
        "countries": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    },
    {
        "code": "middle-east-north-africa-regional-office",
        "name": "OHCHR Regional Office for the Middle East and North Africa (Beirut)",
        "kind": "regional_office",
        "region": MENA,
        "partner": None,
        "countries": ["DZA", "EGY", "IRQ", "JOR", "LBN", "LBY", "MAR", "MRT", "SYR", "TUN"],
    },
    {
        "code": "south-west-asia-arab-region-centre",
        "name": (
            "United Nations Human Rights Training and Documentation Centre for "
            "South-West Asia and the Arab Region (Doha)"
        ),
        "kind": "regional_office",
        "region": MENA,
        "partner": None,
        "countries": ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"],
    },
    {
        "code": "europe-regional-office",
        "name": "OHCHR Regional Office for Europe (Brussels)",
        "kind": "regional_office",
        "region": ECA,
        "partner": None,
        # The member States of the European Union.
        "countries": [
            "AUT",
            "BEL",
            "BGR",
            "CYP",
            "CZE",
            "DEU",
            "DNK",
            "ESP",
            "EST",
            "FIN",
            "FRA",
            "GRC",
            "HRV",
            "HUN",
            "IRL",
            "ITA",
            "LTU",
            "LUX",
            "LVA",
            "MLT",
            "NLD",
            "POL",
            "PRT",
            "ROU",
            "SVK",
            "SVN",
            "SWE",
        ],
    },
    # Human rights advisers to United Nations country teams.
    {
        "code": "sri-lanka-human-rights-adviser",
        "name": "Human Rights Adviser to the UN Country Team in Sri Lanka",
        "kind": "human_rights_adviser",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["LKA"],
    },
    {
        "code": "papua-new-guinea-human-rights-adviser",
        "name": "Human Rights Adviser to the UN Country Team in Papua New Guinea",
        "kind": "human_rights_adviser",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["PNG"],
    },
    {
        "code": "madagascar-human-rights-adviser",
        "name": "Human Rights Adviser to the UN Country Team in Madagascar",
        "kind": "human_rights_adviser",
        "region": AFRICA,
        "partner": None,
        "countries": ["MDG"],
    },
    {
        "code": "south-caucasus-human-rights-adviser",
        "name": "Senior Human Rights Adviser for the South Caucasus (Tbilisi)",
        "kind": "human_rights_adviser",
        "region": ECA,
        "partner": None,
        "countries": ["ARM", "AZE", "GEO"],
    },
    {
        "code": "moldova-human-rights-adviser",
        "name": "Human Rights Adviser to the UN Country Team in the Republic of Moldova",
        "kind": "human_rights_adviser",
        "region": ECA,
        "partner": None,
        "countries": ["MDA"],
    },
    # Human rights components of peace operations and political missions,
    # run jointly with the mission.
    {
        "code": "minusca-human-rights-division",
        "name": "Human Rights Division of MINUSCA (Central African Republic)",
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["CAF"],
    },
    {
        "code": "monusco-joint-human-rights-office",
        "name": "UN Joint Human Rights Office in the Democratic Republic of the Congo (MONUSCO)",
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["COD"],
    },
    {
        "code": "unmiss-human-rights-division",
        "name": "Human Rights Division of UNMISS (South Sudan)",
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["SSD"],
    },
    {
        "code": "unama-human-rights-service",
        "name": "Human Rights Service of UNAMA (Afghanistan)",
        "kind": "peace_mission_component",
        "region": ASIA_PACIFIC,
        "partner": "un-dppa",
        "countries": ["AFG"],
    },
    {
        "code": "binuh-human-rights-service",
        "name": "Human Rights Service of BINUH (Haiti)",
        "kind": "peace_mission_component",
        "region": AMERICAS,
        "partner": "un-dppa",
        "countries": ["HTI"],
    },
)

# (code, name, description)
THEMATIC_AREAS: tuple[tuple[str, str, str], ...] = (
    (
        "national-human-rights-institutions",
        "National human rights institutions",
        "Creating and strengthening national human rights institutions in line with "
        "the Paris Principles, and their regional and international networks.",
    ),
    (
        "administration-of-justice",
        "Administration of justice and the rule of law",
        "Courts, prosecution, legal aid, places of detention and the protection of "
        "human rights in the administration of justice.",
    ),
    (
        "legislative-reform",
        "Legislative reform and incorporation of international standards",
        "Legal advice on bringing national laws, policies and practices in line with "
        "international human rights standards.",
    ),
    (
        "constitutional-assistance",
        "Constitutional assistance",
        "Advice on the human rights provisions of constitutions and on constitutional "
        "review processes.",
    ),
    (
        "human-rights-training",
        "Human rights training for State officials",
        "Training and support to parliament, the judiciary, and police, military and "
        "prison officials.",
    ),
    (
        "human-rights-education",
        "Human rights education and awareness",
        "Human rights education, including curriculum development, and raising public "
        "awareness to promote a culture of human rights.",
    ),
    (
        "elections",
        "Human rights and elections",
        "The human rights aspects of free and fair elections.",
    ),
    (
        "national-plans-of-action",
        "National human rights plans of action",
        "Formulating and implementing comprehensive national human rights plans of action.",
    ),
    (
        "treaty-reporting-follow-up",
        "Ratification, treaty reporting and follow-up to recommendations",
        "Ratifying the international human rights instruments, reporting to the treaty "
        "bodies and the Universal Periodic Review, and implementing the recommendations "
        "of the international human rights mechanisms.",
    ),
    (
        "civil-society",
        "Support to civil society",
        "Support to non-governmental organisations and civil society institutions, "
        "including grants to local human rights initiatives.",
    ),
    (
        "victims-remedies",
        "Remedies and reparation for victims",
        "Compensation and other remedies for victims of human rights violations.",
    ),
    (
        "women-gender-equality",
        "Women's rights and gender equality",
        "The human rights of women and girls and the integration of a gender perspective.",
    ),
    (
        "rights-of-the-child",
        "Rights of the child",
        "Implementation of the Convention on the Rights of the Child, including juvenile justice.",
    ),
    (
        "minorities-indigenous-peoples",
        "Minorities and Indigenous Peoples",
        "The rights of persons belonging to minorities and of Indigenous Peoples, and "
        "non-discrimination.",
    ),
    (
        "economic-social-cultural-rights",
        "Economic, social and cultural rights and the right to development",
        "Projects relating to economic, social and cultural rights, the right to "
        "development and a human rights-based approach to development programming.",
    ),
    (
        "business-and-human-rights",
        "Business and human rights",
        "Implementing the Guiding Principles on Business and Human Rights, including "
        "national action plans.",
    ),
)

# (code, name, description)
FORMS_OF_ASSISTANCE: tuple[tuple[str, str, str], ...] = (
    (
        "advisory-services",
        "Advisory services of experts",
        "Expert advice from OHCHR staff and from the roster of experts with specialised "
        "knowledge of the areas the programme addresses.",
    ),
    (
        "training-courses",
        "Training courses",
        "Human rights training courses for officials and other national actors.",
    ),
    (
        "workshops-seminars",
        "Workshops and seminars",
        "National, regional and international workshops and seminars for learning, "
        "knowledge transfer and sharing experience.",
    ),
    (
        "fellowships",
        "Fellowships",
        "Human rights fellowships, including the OHCHR Human Rights Fellowship Programme.",
    ),
    (
        "grants",
        "Grants",
        "Grants in support of projects by Governments, regional human rights "
        "organisations and non-governmental organisations, including micro-grants to "
        "local civil society under the ACT (Assisting Communities Together) project.",
    ),
    (
        "information-documentation",
        "Information and documentation",
        "Provision of human rights information, publications and documentation.",
    ),
)

# The seven components identified by the Board of Trustees of the United
# Nations Voluntary Fund for Technical Cooperation in the Field of Human
# Rights for efficient technical cooperation, in the order OHCHR lists them
# ("Technical Cooperation in the Field of Human Rights", OHCHR; the Board's
# annual reports to the Human Rights Council use the same seven).
# (number, code, name, description)
BOARD_COMPONENTS: tuple[tuple[int, str, str, str], ...] = (
    (
        1,
        "indivisibility-of-rights",
        "Indivisibility of all rights",
        "Anchoring technical cooperation to the universality and indivisibility of all "
        "human rights (civil, cultural, economic, political and social), including both "
        "protection and promotion aspects.",
    ),
    (
        2,
        "national-frameworks-institutions",
        "Support to national frameworks and institutions for human rights protection",
        "Building and strengthening national frameworks and institutions in the field of "
        "human rights through technical cooperation and advisory services.",
    ),
    (
        3,
        "follow-up-mechanisms",
        "Follow-up of recommendations by human rights mechanisms",
        "Supporting implementation of and follow-up to the recommendations of the human "
        "rights mechanisms, including the Universal Periodic Review.",
    ),
    (
        4,
        "development-sdgs",
        "National development objectives and the 2030 Sustainable Development Goals",
        "Human rights technical cooperation reflecting and informing national development "
        "objectives to achieve the 2030 Sustainable Development Goals.",
    ),
    (
        5,
        "partnerships",
        "Partnerships with all entities on the ground",
        "Partnerships with all entities on the ground.",
    ),
    (
        6,
        "participation",
        "Participation",
        "The broadest possible participation of all elements of national societies.",
    ),
    (
        7,
        "un-integration",
        "Human rights integration in UN programmes and operations",
        "Mainstreaming human rights throughout the work of all United Nations programmes "
        "and operations in each country and region.",
    ),
)

# (number, code, short name, goal) from General Assembly resolution 70/1.
SDGS: tuple[tuple[int, str, str, str], ...] = (
    (1, "sdg-1", "No poverty", "End poverty in all its forms everywhere."),
    (
        2,
        "sdg-2",
        "Zero hunger",
        "End hunger, achieve food security and improved nutrition and promote sustainable "
        "agriculture.",
    ),
    (
        3,
        "sdg-3",
        "Good health and well-being",
        "Ensure healthy lives and promote well-being for all at all ages.",
    ),
    (
        4,
        "sdg-4",
        "Quality education",
        "Ensure inclusive and equitable quality education and promote lifelong learning "
        "opportunities for all.",
    ),
    (5, "sdg-5", "Gender equality", "Achieve gender equality and empower all women and girls."),
    (
        6,
        "sdg-6",
        "Clean water and sanitation",
        "Ensure availability and sustainable management of water and sanitation for all.",
    ),
    (
        7,
        "sdg-7",
        "Affordable and clean energy",
        "Ensure access to affordable, reliable, sustainable and modern energy for all.",
    ),
    (
        8,
        "sdg-8",
        "Decent work and economic growth",
        "Promote sustained, inclusive and sustainable economic growth, full and productive "
        "employment and decent work for all.",
    ),
    (
        9,
        "sdg-9",
        "Industry, innovation and infrastructure",
        "Build resilient infrastructure, promote inclusive and sustainable industrialization "
        "and foster innovation.",
    ),
    (10, "sdg-10", "Reduced inequalities", "Reduce inequality within and among countries."),
    (
        11,
        "sdg-11",
        "Sustainable cities and communities",
        "Make cities and human settlements inclusive, safe, resilient and sustainable.",
    ),
    (
        12,
        "sdg-12",
        "Responsible consumption and production",
        "Ensure sustainable consumption and production patterns.",
    ),
    (
        13,
        "sdg-13",
        "Climate action",
        "Take urgent action to combat climate change and its impacts.",
    ),
    (
        14,
        "sdg-14",
        "Life below water",
        "Conserve and sustainably use the oceans, seas and marine resources for sustainable "
        "development.",
    ),
    (
        15,
        "sdg-15",
        "Life on land",
        "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably "
        "manage forests, combat desertification, and halt and reverse land degradation and "
        "halt biodiversity loss.",
    ),
    (
        16,
        "sdg-16",
        "Peace, justice and strong institutions",
        "Promote peaceful and inclusive societies for sustainable development, provide access "
        "to justice for all and build effective, accountable and inclusive institutions at "
        "all levels.",
    ),
    (
        17,
        "sdg-17",
        "Partnerships for the goals",
        "Strengthen the means of implementation and revitalize the Global Partnership for "
        "Sustainable Development.",
    ),
)

# (code, name, kind, abbreviation)
MECHANISMS: tuple[tuple[str, str, str, str], ...] = (
    ("upr", "Universal Periodic Review", "upr", "UPR"),
    # The ten human rights treaty bodies.
    ("cerd", "Committee on the Elimination of Racial Discrimination", "treaty_body", "CERD"),
    ("ccpr", "Human Rights Committee", "treaty_body", "CCPR"),
    ("cescr", "Committee on Economic, Social and Cultural Rights", "treaty_body", "CESCR"),
    (
        "cedaw",
        "Committee on the Elimination of Discrimination against Women",
        "treaty_body",
        "CEDAW",
    ),
    ("cat", "Committee against Torture", "treaty_body", "CAT"),
    ("spt", "Subcommittee on Prevention of Torture", "treaty_body", "SPT"),
    ("crc", "Committee on the Rights of the Child", "treaty_body", "CRC"),
    (
        "cmw",
        "Committee on the Protection of the Rights of All Migrant Workers and Members of "
        "Their Families",
        "treaty_body",
        "CMW",
    ),
    ("crpd", "Committee on the Rights of Persons with Disabilities", "treaty_body", "CRPD"),
    ("ced", "Committee on Enforced Disappearances", "treaty_body", "CED"),
    # Special procedures: the system as a whole, then frequently cited mandates.
    (
        "special-procedures",
        "Special procedures of the Human Rights Council",
        "special_procedure",
        "",
    ),
    (
        "sr-torture",
        "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or "
        "punishment",
        "special_procedure",
        "SR torture",
    ),
    (
        "sr-independence-judges-lawyers",
        "Special Rapporteur on the independence of judges and lawyers",
        "special_procedure",
        "SR IJL",
    ),
    (
        "sr-human-rights-defenders",
        "Special Rapporteur on the situation of human rights defenders",
        "special_procedure",
        "SR HRD",
    ),
    (
        "sr-freedom-of-expression",
        "Special Rapporteur on the promotion and protection of the right to freedom of "
        "opinion and expression",
        "special_procedure",
        "SR FoE",
    ),
    (
        "sr-violence-against-women",
        "Special Rapporteur on violence against women and girls, its causes and consequences",
        "special_procedure",
        "SR VAW",
    ),
    (
        "sr-indigenous-peoples",
        "Special Rapporteur on the rights of Indigenous Peoples",
        "special_procedure",
        "SR IP",
    ),
    (
        "wg-enforced-disappearances",
        "Working Group on Enforced or Involuntary Disappearances",
        "special_procedure",
        "WGEID",
    ),
    (
        "wg-arbitrary-detention",
        "Working Group on Arbitrary Detention",
        "special_procedure",
        "WGAD",
    ),
)

# (code, name, kind)
FUNDING_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("regular-budget", "UN regular budget", "regular_budget"),
    (
        "voluntary-fund",
        "Voluntary Fund for Technical Cooperation in the Field of Human Rights",
        "voluntary_fund",
    ),
    ("extrabudgetary", "Extrabudgetary / partner contributions", "extrabudgetary"),
)


def load(apps: Any, schema_editor: Any) -> None:
    """Upsert all the reference data; running it again changes nothing.

    Works with the historical app registry of a migration and with the live
    ``django.apps.apps`` alike.
    """
    country_model = apps.get_model("tcp", "Country")
    partner_model = apps.get_model("tcp", "PartnerOrganisation")
    presence_model = apps.get_model("tcp", "FieldPresence")

    for iso2, iso3, name, region, ldc in COUNTRIES:
        country_model.objects.update_or_create(
            iso3=iso3,
            defaults={"iso2": iso2, "name": name, "region": region, "is_least_developed": ldc},
        )

    for order, (code, name, kind, acronym) in enumerate(PARTNERS, start=1):
        partner_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "acronym": acronym, "sort_order": order},
        )

    for order, (code, name, description) in enumerate(THEMATIC_AREAS, start=1):
        apps.get_model("tcp", "ThematicArea").objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "sort_order": order},
        )

    for order, (code, name, description) in enumerate(FORMS_OF_ASSISTANCE, start=1):
        apps.get_model("tcp", "FormOfAssistance").objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "sort_order": order},
        )

    for number, code, name, description in BOARD_COMPONENTS:
        apps.get_model("tcp", "BoardComponent").objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "description": description,
                "sort_order": number,
            },
        )

    for number, code, name, description in SDGS:
        apps.get_model("tcp", "SustainableDevelopmentGoal").objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "description": description,
                "sort_order": number,
            },
        )

    for order, (code, name, kind, abbreviation) in enumerate(MECHANISMS, start=1):
        apps.get_model("tcp", "Mechanism").objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "abbreviation": abbreviation,
                "sort_order": order,
            },
        )

    for order, (code, name, kind) in enumerate(FUNDING_SOURCES, start=1):
        apps.get_model("tcp", "FundingSource").objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "sort_order": order},
        )

    for entry in FIELD_PRESENCES:
        partner = partner_model.objects.get(code=entry["partner"]) if entry["partner"] else None
        presence, _ = presence_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "region": entry["region"],
                "partner": partner,
            },
        )
        countries = list(country_model.objects.filter(iso3__in=entry["countries"]))
        missing = set(entry["countries"]) - {country.iso3 for country in countries}
        if missing:
            raise ValueError(f"{entry['code']}: unknown countries {sorted(missing)}")
        presence.countries.set(countries)

    _record_baseline_history(apps)


_HISTORY_MODELS = (
    "Country",
    "PartnerOrganisation",
    "ThematicArea",
    "FormOfAssistance",
    "BoardComponent",
    "SustainableDevelopmentGoal",
    "Mechanism",
    "FundingSource",
    "FieldPresence",
)


def _record_baseline_history(apps: Any) -> None:
    """Give every reference row without history a first "created" record.

    A migration's models carry no simple-history hooks, so without this the
    auditor's history of reference data would start at its first admin edit.
    """
    from django.utils import timezone

    now = timezone.now()
    for name in _HISTORY_MODELS:
        model = apps.get_model("tcp", name)
        historical = apps.get_model("tcp", f"Historical{name}")
        recorded = historical.objects.values("id")
        fields = [f.attname for f in model._meta.concrete_fields]
        historical.objects.bulk_create(
            [
                historical(
                    **{field: getattr(row, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Loaded by the reference data migration",
                )
                for row in model.objects.exclude(id__in=recorded)
            ],
            batch_size=500,
        )
