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

# Marks each name and each description shown to people for ``makemessages``:
# the database keeps the English (canonical) text and pages show it through
# the catalogues (tcp/translated.py). Codes and partners' acronyms are not
# marked; mechanisms' abbreviations are ("UPR" is "EPU" in French).
from django.utils.translation import gettext_noop

AFRICA = "africa"
AMERICAS = "americas"
ASIA_PACIFIC = "asia_pacific"
ECA = "europe_central_asia"
MENA = "mena"

# (iso2, iso3, UN short name, OHCHR region, on the UN LDC list as of 13 December 2024)
COUNTRIES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("AF", "AFG", gettext_noop("Afghanistan"), ASIA_PACIFIC, True),
    ("AX", "ALA", gettext_noop("Åland Islands"), ECA, False),
    ("AL", "ALB", gettext_noop("Albania"), ECA, False),
    ("DZ", "DZA", gettext_noop("Algeria"), MENA, False),
    ("AS", "ASM", gettext_noop("American Samoa"), ASIA_PACIFIC, False),
    ("AD", "AND", gettext_noop("Andorra"), ECA, False),
    ("AO", "AGO", gettext_noop("Angola"), AFRICA, True),
    ("AI", "AIA", gettext_noop("Anguilla"), AMERICAS, False),
    ("AQ", "ATA", gettext_noop("Antarctica"), AMERICAS, False),
    ("AG", "ATG", gettext_noop("Antigua and Barbuda"), AMERICAS, False),
    ("AR", "ARG", gettext_noop("Argentina"), AMERICAS, False),
    ("AM", "ARM", gettext_noop("Armenia"), ECA, False),
    ("AW", "ABW", gettext_noop("Aruba"), AMERICAS, False),
    ("AU", "AUS", gettext_noop("Australia"), ASIA_PACIFIC, False),
    ("AT", "AUT", gettext_noop("Austria"), ECA, False),
    ("AZ", "AZE", gettext_noop("Azerbaijan"), ECA, False),
    ("BS", "BHS", gettext_noop("Bahamas"), AMERICAS, False),
    ("BH", "BHR", gettext_noop("Bahrain"), MENA, False),
    ("BD", "BGD", gettext_noop("Bangladesh"), ASIA_PACIFIC, True),
    ("BB", "BRB", gettext_noop("Barbados"), AMERICAS, False),
    ("BY", "BLR", gettext_noop("Belarus"), ECA, False),
    ("BE", "BEL", gettext_noop("Belgium"), ECA, False),
    ("BZ", "BLZ", gettext_noop("Belize"), AMERICAS, False),
    ("BJ", "BEN", gettext_noop("Benin"), AFRICA, True),
    ("BM", "BMU", gettext_noop("Bermuda"), AMERICAS, False),
    ("BT", "BTN", gettext_noop("Bhutan"), ASIA_PACIFIC, False),
    ("BO", "BOL", gettext_noop("Bolivia (Plurinational State of)"), AMERICAS, False),
    ("BQ", "BES", gettext_noop("Bonaire, Sint Eustatius and Saba"), AMERICAS, False),
    ("BA", "BIH", gettext_noop("Bosnia and Herzegovina"), ECA, False),
    ("BW", "BWA", gettext_noop("Botswana"), AFRICA, False),
    ("BV", "BVT", gettext_noop("Bouvet Island"), AMERICAS, False),
    ("BR", "BRA", gettext_noop("Brazil"), AMERICAS, False),
    ("IO", "IOT", gettext_noop("British Indian Ocean Territory"), AFRICA, False),
    ("VG", "VGB", gettext_noop("British Virgin Islands"), AMERICAS, False),
    ("BN", "BRN", gettext_noop("Brunei Darussalam"), ASIA_PACIFIC, False),
    ("BG", "BGR", gettext_noop("Bulgaria"), ECA, False),
    ("BF", "BFA", gettext_noop("Burkina Faso"), AFRICA, True),
    ("BI", "BDI", gettext_noop("Burundi"), AFRICA, True),
    ("CV", "CPV", gettext_noop("Cabo Verde"), AFRICA, False),
    ("KH", "KHM", gettext_noop("Cambodia"), ASIA_PACIFIC, True),
    ("CM", "CMR", gettext_noop("Cameroon"), AFRICA, False),
    ("CA", "CAN", gettext_noop("Canada"), AMERICAS, False),
    ("KY", "CYM", gettext_noop("Cayman Islands"), AMERICAS, False),
    ("CF", "CAF", gettext_noop("Central African Republic"), AFRICA, True),
    ("TD", "TCD", gettext_noop("Chad"), AFRICA, True),
    ("CL", "CHL", gettext_noop("Chile"), AMERICAS, False),
    ("CN", "CHN", gettext_noop("China"), ASIA_PACIFIC, False),
    (
        "HK",
        "HKG",
        gettext_noop("China, Hong Kong Special Administrative Region"),
        ASIA_PACIFIC,
        False,
    ),
    ("MO", "MAC", gettext_noop("China, Macao Special Administrative Region"), ASIA_PACIFIC, False),
    ("CX", "CXR", gettext_noop("Christmas Island"), ASIA_PACIFIC, False),
    ("CC", "CCK", gettext_noop("Cocos (Keeling) Islands"), ASIA_PACIFIC, False),
    ("CO", "COL", gettext_noop("Colombia"), AMERICAS, False),
    ("KM", "COM", gettext_noop("Comoros"), AFRICA, True),
    ("CG", "COG", gettext_noop("Congo"), AFRICA, False),
    ("CK", "COK", gettext_noop("Cook Islands"), ASIA_PACIFIC, False),
    ("CR", "CRI", gettext_noop("Costa Rica"), AMERICAS, False),
    ("CI", "CIV", gettext_noop("Côte d'Ivoire"), AFRICA, False),
    ("HR", "HRV", gettext_noop("Croatia"), ECA, False),
    ("CU", "CUB", gettext_noop("Cuba"), AMERICAS, False),
    ("CW", "CUW", gettext_noop("Curaçao"), AMERICAS, False),
    ("CY", "CYP", gettext_noop("Cyprus"), ECA, False),
    ("CZ", "CZE", gettext_noop("Czechia"), ECA, False),
    ("KP", "PRK", gettext_noop("Democratic People's Republic of Korea"), ASIA_PACIFIC, False),
    ("CD", "COD", gettext_noop("Democratic Republic of the Congo"), AFRICA, True),
    ("DK", "DNK", gettext_noop("Denmark"), ECA, False),
    ("DJ", "DJI", gettext_noop("Djibouti"), AFRICA, True),
    ("DM", "DMA", gettext_noop("Dominica"), AMERICAS, False),
    ("DO", "DOM", gettext_noop("Dominican Republic"), AMERICAS, False),
    ("EC", "ECU", gettext_noop("Ecuador"), AMERICAS, False),
    ("EG", "EGY", gettext_noop("Egypt"), MENA, False),
    ("SV", "SLV", gettext_noop("El Salvador"), AMERICAS, False),
    ("GQ", "GNQ", gettext_noop("Equatorial Guinea"), AFRICA, False),
    ("ER", "ERI", gettext_noop("Eritrea"), AFRICA, True),
    ("EE", "EST", gettext_noop("Estonia"), ECA, False),
    ("SZ", "SWZ", gettext_noop("Eswatini"), AFRICA, False),
    ("ET", "ETH", gettext_noop("Ethiopia"), AFRICA, True),
    ("FK", "FLK", gettext_noop("Falkland Islands (Malvinas)"), AMERICAS, False),
    ("FO", "FRO", gettext_noop("Faroe Islands"), ECA, False),
    ("FJ", "FJI", gettext_noop("Fiji"), ASIA_PACIFIC, False),
    ("FI", "FIN", gettext_noop("Finland"), ECA, False),
    ("FR", "FRA", gettext_noop("France"), ECA, False),
    ("GF", "GUF", gettext_noop("French Guiana"), AMERICAS, False),
    ("PF", "PYF", gettext_noop("French Polynesia"), ASIA_PACIFIC, False),
    ("TF", "ATF", gettext_noop("French Southern Territories"), AFRICA, False),
    ("GA", "GAB", gettext_noop("Gabon"), AFRICA, False),
    ("GM", "GMB", gettext_noop("Gambia"), AFRICA, True),
    ("GE", "GEO", gettext_noop("Georgia"), ECA, False),
    ("DE", "DEU", gettext_noop("Germany"), ECA, False),
    ("GH", "GHA", gettext_noop("Ghana"), AFRICA, False),
    ("GI", "GIB", gettext_noop("Gibraltar"), ECA, False),
    ("GR", "GRC", gettext_noop("Greece"), ECA, False),
    ("GL", "GRL", gettext_noop("Greenland"), AMERICAS, False),
    ("GD", "GRD", gettext_noop("Grenada"), AMERICAS, False),
    ("GP", "GLP", gettext_noop("Guadeloupe"), AMERICAS, False),
    ("GU", "GUM", gettext_noop("Guam"), ASIA_PACIFIC, False),
    ("GT", "GTM", gettext_noop("Guatemala"), AMERICAS, False),
    ("GG", "GGY", gettext_noop("Guernsey"), ECA, False),
    ("GN", "GIN", gettext_noop("Guinea"), AFRICA, True),
    ("GW", "GNB", gettext_noop("Guinea-Bissau"), AFRICA, True),
    ("GY", "GUY", gettext_noop("Guyana"), AMERICAS, False),
    ("HT", "HTI", gettext_noop("Haiti"), AMERICAS, True),
    ("HM", "HMD", gettext_noop("Heard Island and McDonald Islands"), ASIA_PACIFIC, False),
    ("VA", "VAT", gettext_noop("Holy See"), ECA, False),
    ("HN", "HND", gettext_noop("Honduras"), AMERICAS, False),
    ("HU", "HUN", gettext_noop("Hungary"), ECA, False),
    ("IS", "ISL", gettext_noop("Iceland"), ECA, False),
    ("IN", "IND", gettext_noop("India"), ASIA_PACIFIC, False),
    ("ID", "IDN", gettext_noop("Indonesia"), ASIA_PACIFIC, False),
    ("IR", "IRN", gettext_noop("Iran (Islamic Republic of)"), ASIA_PACIFIC, False),
    ("IQ", "IRQ", gettext_noop("Iraq"), MENA, False),
    ("IE", "IRL", gettext_noop("Ireland"), ECA, False),
    ("IM", "IMN", gettext_noop("Isle of Man"), ECA, False),
    ("IL", "ISR", gettext_noop("Israel"), MENA, False),
    ("IT", "ITA", gettext_noop("Italy"), ECA, False),
    ("JM", "JAM", gettext_noop("Jamaica"), AMERICAS, False),
    ("JP", "JPN", gettext_noop("Japan"), ASIA_PACIFIC, False),
    ("JE", "JEY", gettext_noop("Jersey"), ECA, False),
    ("JO", "JOR", gettext_noop("Jordan"), MENA, False),
    ("KZ", "KAZ", gettext_noop("Kazakhstan"), ECA, False),
    ("KE", "KEN", gettext_noop("Kenya"), AFRICA, False),
    ("KI", "KIR", gettext_noop("Kiribati"), ASIA_PACIFIC, True),
    ("KW", "KWT", gettext_noop("Kuwait"), MENA, False),
    ("KG", "KGZ", gettext_noop("Kyrgyzstan"), ECA, False),
    ("LA", "LAO", gettext_noop("Lao People's Democratic Republic"), ASIA_PACIFIC, True),
    ("LV", "LVA", gettext_noop("Latvia"), ECA, False),
    ("LB", "LBN", gettext_noop("Lebanon"), MENA, False),
    ("LS", "LSO", gettext_noop("Lesotho"), AFRICA, True),
    ("LR", "LBR", gettext_noop("Liberia"), AFRICA, True),
    ("LY", "LBY", gettext_noop("Libya"), MENA, False),
    ("LI", "LIE", gettext_noop("Liechtenstein"), ECA, False),
    ("LT", "LTU", gettext_noop("Lithuania"), ECA, False),
    ("LU", "LUX", gettext_noop("Luxembourg"), ECA, False),
    ("MG", "MDG", gettext_noop("Madagascar"), AFRICA, True),
    ("MW", "MWI", gettext_noop("Malawi"), AFRICA, True),
    ("MY", "MYS", gettext_noop("Malaysia"), ASIA_PACIFIC, False),
    ("MV", "MDV", gettext_noop("Maldives"), ASIA_PACIFIC, False),
    ("ML", "MLI", gettext_noop("Mali"), AFRICA, True),
    ("MT", "MLT", gettext_noop("Malta"), ECA, False),
    ("MH", "MHL", gettext_noop("Marshall Islands"), ASIA_PACIFIC, False),
    ("MQ", "MTQ", gettext_noop("Martinique"), AMERICAS, False),
    ("MR", "MRT", gettext_noop("Mauritania"), MENA, True),
    ("MU", "MUS", gettext_noop("Mauritius"), AFRICA, False),
    ("YT", "MYT", gettext_noop("Mayotte"), AFRICA, False),
    ("MX", "MEX", gettext_noop("Mexico"), AMERICAS, False),
    ("FM", "FSM", gettext_noop("Micronesia (Federated States of)"), ASIA_PACIFIC, False),
    ("MC", "MCO", gettext_noop("Monaco"), ECA, False),
    ("MN", "MNG", gettext_noop("Mongolia"), ASIA_PACIFIC, False),
    ("ME", "MNE", gettext_noop("Montenegro"), ECA, False),
    ("MS", "MSR", gettext_noop("Montserrat"), AMERICAS, False),
    ("MA", "MAR", gettext_noop("Morocco"), MENA, False),
    ("MZ", "MOZ", gettext_noop("Mozambique"), AFRICA, True),
    ("MM", "MMR", gettext_noop("Myanmar"), ASIA_PACIFIC, True),
    ("NA", "NAM", gettext_noop("Namibia"), AFRICA, False),
    ("NR", "NRU", gettext_noop("Nauru"), ASIA_PACIFIC, False),
    ("NP", "NPL", gettext_noop("Nepal"), ASIA_PACIFIC, True),
    ("NL", "NLD", gettext_noop("Netherlands (Kingdom of the)"), ECA, False),
    ("NC", "NCL", gettext_noop("New Caledonia"), ASIA_PACIFIC, False),
    ("NZ", "NZL", gettext_noop("New Zealand"), ASIA_PACIFIC, False),
    ("NI", "NIC", gettext_noop("Nicaragua"), AMERICAS, False),
    ("NE", "NER", gettext_noop("Niger"), AFRICA, True),
    ("NG", "NGA", gettext_noop("Nigeria"), AFRICA, False),
    ("NU", "NIU", gettext_noop("Niue"), ASIA_PACIFIC, False),
    ("NF", "NFK", gettext_noop("Norfolk Island"), ASIA_PACIFIC, False),
    ("MK", "MKD", gettext_noop("North Macedonia"), ECA, False),
    ("MP", "MNP", gettext_noop("Northern Mariana Islands"), ASIA_PACIFIC, False),
    ("NO", "NOR", gettext_noop("Norway"), ECA, False),
    ("OM", "OMN", gettext_noop("Oman"), MENA, False),
    ("PK", "PAK", gettext_noop("Pakistan"), ASIA_PACIFIC, False),
    ("PW", "PLW", gettext_noop("Palau"), ASIA_PACIFIC, False),
    ("PA", "PAN", gettext_noop("Panama"), AMERICAS, False),
    ("PG", "PNG", gettext_noop("Papua New Guinea"), ASIA_PACIFIC, False),
    ("PY", "PRY", gettext_noop("Paraguay"), AMERICAS, False),
    ("PE", "PER", gettext_noop("Peru"), AMERICAS, False),
    ("PH", "PHL", gettext_noop("Philippines"), ASIA_PACIFIC, False),
    ("PN", "PCN", gettext_noop("Pitcairn"), ASIA_PACIFIC, False),
    ("PL", "POL", gettext_noop("Poland"), ECA, False),
    ("PT", "PRT", gettext_noop("Portugal"), ECA, False),
    ("PR", "PRI", gettext_noop("Puerto Rico"), AMERICAS, False),
    ("QA", "QAT", gettext_noop("Qatar"), MENA, False),
    ("KR", "KOR", gettext_noop("Republic of Korea"), ASIA_PACIFIC, False),
    ("MD", "MDA", gettext_noop("Republic of Moldova"), ECA, False),
    ("RE", "REU", gettext_noop("Réunion"), AFRICA, False),
    ("RO", "ROU", gettext_noop("Romania"), ECA, False),
    ("RU", "RUS", gettext_noop("Russian Federation"), ECA, False),
    ("RW", "RWA", gettext_noop("Rwanda"), AFRICA, True),
    ("BL", "BLM", gettext_noop("Saint Barthélemy"), AMERICAS, False),
    ("SH", "SHN", gettext_noop("Saint Helena"), AFRICA, False),
    ("KN", "KNA", gettext_noop("Saint Kitts and Nevis"), AMERICAS, False),
    ("LC", "LCA", gettext_noop("Saint Lucia"), AMERICAS, False),
    ("MF", "MAF", gettext_noop("Saint Martin (French Part)"), AMERICAS, False),
    ("PM", "SPM", gettext_noop("Saint Pierre and Miquelon"), AMERICAS, False),
    ("VC", "VCT", gettext_noop("Saint Vincent and the Grenadines"), AMERICAS, False),
    ("WS", "WSM", gettext_noop("Samoa"), ASIA_PACIFIC, False),
    ("SM", "SMR", gettext_noop("San Marino"), ECA, False),
    ("ST", "STP", gettext_noop("Sao Tome and Principe"), AFRICA, False),
    ("SA", "SAU", gettext_noop("Saudi Arabia"), MENA, False),
    ("SN", "SEN", gettext_noop("Senegal"), AFRICA, True),
    ("RS", "SRB", gettext_noop("Serbia"), ECA, False),
    ("SC", "SYC", gettext_noop("Seychelles"), AFRICA, False),
    ("SL", "SLE", gettext_noop("Sierra Leone"), AFRICA, True),
    ("SG", "SGP", gettext_noop("Singapore"), ASIA_PACIFIC, False),
    ("SX", "SXM", gettext_noop("Sint Maarten (Dutch part)"), AMERICAS, False),
    ("SK", "SVK", gettext_noop("Slovakia"), ECA, False),
    ("SI", "SVN", gettext_noop("Slovenia"), ECA, False),
    ("SB", "SLB", gettext_noop("Solomon Islands"), ASIA_PACIFIC, True),
    ("SO", "SOM", gettext_noop("Somalia"), AFRICA, True),
    ("ZA", "ZAF", gettext_noop("South Africa"), AFRICA, False),
    ("GS", "SGS", gettext_noop("South Georgia and the South Sandwich Islands"), AMERICAS, False),
    ("SS", "SSD", gettext_noop("South Sudan"), AFRICA, True),
    ("ES", "ESP", gettext_noop("Spain"), ECA, False),
    ("LK", "LKA", gettext_noop("Sri Lanka"), ASIA_PACIFIC, False),
    ("PS", "PSE", gettext_noop("State of Palestine"), MENA, False),
    ("SD", "SDN", gettext_noop("Sudan"), AFRICA, True),
    ("SR", "SUR", gettext_noop("Suriname"), AMERICAS, False),
    ("SJ", "SJM", gettext_noop("Svalbard and Jan Mayen Islands"), ECA, False),
    ("SE", "SWE", gettext_noop("Sweden"), ECA, False),
    ("CH", "CHE", gettext_noop("Switzerland"), ECA, False),
    ("SY", "SYR", gettext_noop("Syrian Arab Republic"), MENA, False),
    ("TW", "TWN", gettext_noop("Taiwan Province of China"), ASIA_PACIFIC, False),
    ("TJ", "TJK", gettext_noop("Tajikistan"), ECA, False),
    ("TH", "THA", gettext_noop("Thailand"), ASIA_PACIFIC, False),
    ("TL", "TLS", gettext_noop("Timor-Leste"), ASIA_PACIFIC, True),
    ("TG", "TGO", gettext_noop("Togo"), AFRICA, True),
    ("TK", "TKL", gettext_noop("Tokelau"), ASIA_PACIFIC, False),
    ("TO", "TON", gettext_noop("Tonga"), ASIA_PACIFIC, False),
    ("TT", "TTO", gettext_noop("Trinidad and Tobago"), AMERICAS, False),
    ("TN", "TUN", gettext_noop("Tunisia"), MENA, False),
    ("TR", "TUR", gettext_noop("Türkiye"), ECA, False),
    ("TM", "TKM", gettext_noop("Turkmenistan"), ECA, False),
    ("TC", "TCA", gettext_noop("Turks and Caicos Islands"), AMERICAS, False),
    ("TV", "TUV", gettext_noop("Tuvalu"), ASIA_PACIFIC, True),
    ("UG", "UGA", gettext_noop("Uganda"), AFRICA, True),
    ("UA", "UKR", gettext_noop("Ukraine"), ECA, False),
    ("AE", "ARE", gettext_noop("United Arab Emirates"), MENA, False),
    ("GB", "GBR", gettext_noop("United Kingdom of Great Britain and Northern Ireland"), ECA, False),
    ("TZ", "TZA", gettext_noop("United Republic of Tanzania"), AFRICA, True),
    ("UM", "UMI", gettext_noop("United States Minor Outlying Islands"), ASIA_PACIFIC, False),
    ("US", "USA", gettext_noop("United States of America"), AMERICAS, False),
    ("VI", "VIR", gettext_noop("United States Virgin Islands"), AMERICAS, False),
    ("UY", "URY", gettext_noop("Uruguay"), AMERICAS, False),
    ("UZ", "UZB", gettext_noop("Uzbekistan"), ECA, False),
    ("VU", "VUT", gettext_noop("Vanuatu"), ASIA_PACIFIC, False),
    ("VE", "VEN", gettext_noop("Venezuela (Bolivarian Republic of)"), AMERICAS, False),
    ("VN", "VNM", gettext_noop("Viet Nam"), ASIA_PACIFIC, False),
    ("WF", "WLF", gettext_noop("Wallis and Futuna Islands"), ASIA_PACIFIC, False),
    ("EH", "ESH", gettext_noop("Western Sahara"), MENA, False),
    ("YE", "YEM", gettext_noop("Yemen"), MENA, True),
    ("ZM", "ZMB", gettext_noop("Zambia"), AFRICA, True),
    ("ZW", "ZWE", gettext_noop("Zimbabwe"), AFRICA, False),
)

# (code, name, kind, acronym)
PARTNERS: tuple[tuple[str, str, str, str], ...] = (
    # United Nations entities. The Division for the Advancement of Women and
    # UNIFEM, named in the older texts, were merged into UN-Women in 2011.
    ("undp", gettext_noop("United Nations Development Programme"), "un_agency", "UNDP"),
    ("unicef", gettext_noop("United Nations Children's Fund"), "un_agency", "UNICEF"),
    ("unfpa", gettext_noop("United Nations Population Fund"), "un_agency", "UNFPA"),
    (
        "un-women",
        gettext_noop("United Nations Entity for Gender Equality and the Empowerment of Women"),
        "un_agency",
        "UN-Women",
    ),
    (
        "unhcr",
        gettext_noop("Office of the United Nations High Commissioner for Refugees"),
        "un_agency",
        "UNHCR",
    ),
    (
        "unesco",
        gettext_noop("United Nations Educational, Scientific and Cultural Organization"),
        "un_agency",
        "UNESCO",
    ),
    ("ilo", gettext_noop("International Labour Organization"), "un_agency", "ILO"),
    ("who", gettext_noop("World Health Organization"), "un_agency", "WHO"),
    ("unodc", gettext_noop("United Nations Office on Drugs and Crime"), "un_agency", "UNODC"),
    ("unops", gettext_noop("United Nations Office for Project Services"), "un_agency", "UNOPS"),
    (
        "un-peace-operations",
        gettext_noop("United Nations Department of Peace Operations"),
        "un_agency",
        "DPO",
    ),
    (
        "un-dppa",
        gettext_noop("United Nations Department of Political and Peacebuilding Affairs"),
        "un_agency",
        "DPPA",
    ),
    ("unssc", gettext_noop("United Nations System Staff College"), "un_agency", "UNSSC"),
    # Regional and intergovernmental organisations.
    ("african-union", gettext_noop("African Union"), "regional_organisation", "AU"),
    (
        "achpr",
        gettext_noop("African Commission on Human and Peoples' Rights"),
        "regional_organisation",
        "ACHPR",
    ),
    ("oas", gettext_noop("Organization of American States"), "regional_organisation", "OAS"),
    (
        "iachr",
        gettext_noop("Inter-American Commission on Human Rights"),
        "regional_organisation",
        "IACHR",
    ),
    ("council-of-europe", gettext_noop("Council of Europe"), "regional_organisation", "CoE"),
    (
        "osce-odihr",
        gettext_noop("OSCE Office for Democratic Institutions and Human Rights"),
        "regional_organisation",
        "OSCE/ODIHR",
    ),
    (
        "league-of-arab-states",
        gettext_noop("League of Arab States"),
        "regional_organisation",
        "LAS",
    ),
    (
        "aichr",
        gettext_noop("ASEAN Intergovernmental Commission on Human Rights"),
        "regional_organisation",
        "AICHR",
    ),
    (
        "pacific-islands-forum",
        gettext_noop("Pacific Islands Forum"),
        "regional_organisation",
        "PIF",
    ),
    ("european-union", gettext_noop("European Union"), "regional_organisation", "EU"),
    (
        "commonwealth-secretariat",
        gettext_noop("Commonwealth Secretariat"),
        "regional_organisation",
        "",
    ),
    (
        "oif",
        gettext_noop("Organisation internationale de la Francophonie"),
        "regional_organisation",
        "OIF",
    ),
    # National human rights institutions and their networks.
    (
        "ganhri",
        gettext_noop("Global Alliance of National Human Rights Institutions"),
        "nhri",
        "GANHRI",
    ),
    (
        "nanhri",
        gettext_noop("Network of African National Human Rights Institutions"),
        "nhri",
        "NANHRI",
    ),
    (
        "apf",
        gettext_noop("Asia Pacific Forum of National Human Rights Institutions"),
        "nhri",
        "APF",
    ),
    (
        "ennhri",
        gettext_noop("European Network of National Human Rights Institutions"),
        "nhri",
        "ENNHRI",
    ),
    (
        "rindhca",
        gettext_noop("Network of National Human Rights Institutions of the Americas"),
        "nhri",
        "RINDHCA",
    ),
    # Non-governmental and academic partners named in the programme's texts.
    ("andean-commission-of-jurists", gettext_noop("Andean Commission of Jurists"), "ngo", "CAJ"),
    ("iihr", gettext_noop("Inter-American Institute of Human Rights"), "other", "IIHR"),
    (
        "ilanud",
        gettext_noop(
            "United Nations Latin American Institute for the Prevention of Crime "
            "and the Treatment of Offenders"
        ),
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
        "name": gettext_noop("OHCHR Country Office in Colombia"),
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["COL"],
    },
    {
        "code": "guatemala-country-office",
        "name": gettext_noop("OHCHR Country Office in Guatemala"),
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["GTM"],
    },
    {
        "code": "honduras-country-office",
        "name": gettext_noop("OHCHR Country Office in Honduras"),
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["HND"],
    },
    {
        "code": "mexico-country-office",
        "name": gettext_noop("OHCHR Country Office in Mexico"),
        "kind": "country_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["MEX"],
    },
    {
        "code": "cambodia-country-office",
        "name": gettext_noop("OHCHR Country Office in Cambodia"),
        "kind": "country_office",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["KHM"],
    },
    {
        "code": "guinea-country-office",
        "name": gettext_noop("OHCHR Country Office in Guinea"),
        "kind": "country_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["GIN"],
    },
    {
        "code": "state-of-palestine-country-office",
        "name": gettext_noop("OHCHR Office in the Occupied Palestinian Territory"),
        "kind": "country_office",
        "region": MENA,
        "partner": None,
        "countries": ["PSE"],
    },
    {
        "code": "yemen-country-office",
        "name": gettext_noop("OHCHR Country Office in Yemen"),
        "kind": "country_office",
        "region": MENA,
        "partner": None,
        "countries": ["YEM"],
    },
    # Regional offices and centres.
    {
        "code": "east-africa-regional-office",
        "name": gettext_noop("OHCHR Regional Office for East Africa (Addis Ababa)"),
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["DJI", "ERI", "ETH", "KEN", "RWA", "TZA", "UGA"],
    },
    {
        "code": "southern-africa-regional-office",
        "name": gettext_noop("OHCHR Regional Office for Southern Africa (Pretoria)"),
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
        "name": gettext_noop("OHCHR Regional Office for West Africa (Dakar)"),
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
        "name": gettext_noop(
            "United Nations Centre for Human Rights and Democracy in Central Africa (Yaoundé)"
        ),
        "kind": "regional_office",
        "region": AFRICA,
        "partner": None,
        "countries": ["BDI", "CMR", "COG", "GAB", "GNQ", "STP", "TCD"],
    },
    {
        "code": "central-america-regional-office",
        "name": (
            gettext_noop(
                "OHCHR Regional Office for Central America and the Dominican Republic (Panama City)"
            )
        ),
        "kind": "regional_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["BLZ", "CRI", "DOM", "NIC", "PAN", "SLV"],
    },
    {
        "code": "south-america-regional-office",
        "name": gettext_noop("OHCHR Regional Office for South America (Santiago)"),
        "kind": "regional_office",
        "region": AMERICAS,
        "partner": None,
        "countries": ["ARG", "BOL", "BRA", "CHL", "ECU", "PER", "PRY", "URY"],
    },
    {
        "code": "south-east-asia-regional-office",
        "name": gettext_noop("OHCHR Regional Office for South-East Asia (Bangkok)"),
        "kind": "regional_office",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["BRN", "IDN", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"],
    },
    {
        "code": "pacific-regional-office",
        "name": gettext_noop("OHCHR Regional Office for the Pacific (Suva)"),
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
        "name": gettext_noop("OHCHR Regional Office for Central Asia (Bishkek)"),
        "kind": "regional_office",
        "region": ECA,
        "partner": None,
        "countries": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    },
    {
        "code": "middle-east-north-africa-regional-office",
        "name": gettext_noop("OHCHR Regional Office for the Middle East and North Africa (Beirut)"),
        "kind": "regional_office",
        "region": MENA,
        "partner": None,
        "countries": ["DZA", "EGY", "IRQ", "JOR", "LBN", "LBY", "MAR", "MRT", "SYR", "TUN"],
    },
    {
        "code": "south-west-asia-arab-region-centre",
        "name": (
            gettext_noop(
                "United Nations Human Rights Training and Documentation Centre for "
                "South-West Asia and the Arab Region (Doha)"
            )
        ),
        "kind": "regional_office",
        "region": MENA,
        "partner": None,
        "countries": ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"],
    },
    {
        "code": "europe-regional-office",
        "name": gettext_noop("OHCHR Regional Office for Europe (Brussels)"),
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
        "name": gettext_noop("Human Rights Adviser to the UN Country Team in Sri Lanka"),
        "kind": "human_rights_adviser",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["LKA"],
    },
    {
        "code": "papua-new-guinea-human-rights-adviser",
        "name": gettext_noop("Human Rights Adviser to the UN Country Team in Papua New Guinea"),
        "kind": "human_rights_adviser",
        "region": ASIA_PACIFIC,
        "partner": None,
        "countries": ["PNG"],
    },
    {
        "code": "madagascar-human-rights-adviser",
        "name": gettext_noop("Human Rights Adviser to the UN Country Team in Madagascar"),
        "kind": "human_rights_adviser",
        "region": AFRICA,
        "partner": None,
        "countries": ["MDG"],
    },
    {
        "code": "south-caucasus-human-rights-adviser",
        "name": gettext_noop("Senior Human Rights Adviser for the South Caucasus (Tbilisi)"),
        "kind": "human_rights_adviser",
        "region": ECA,
        "partner": None,
        "countries": ["ARM", "AZE", "GEO"],
    },
    {
        "code": "moldova-human-rights-adviser",
        "name": gettext_noop(
            "Human Rights Adviser to the UN Country Team in the Republic of Moldova"
        ),
        "kind": "human_rights_adviser",
        "region": ECA,
        "partner": None,
        "countries": ["MDA"],
    },
    # Human rights components of peace operations and political missions,
    # run jointly with the mission.
    {
        "code": "minusca-human-rights-division",
        "name": gettext_noop("Human Rights Division of MINUSCA (Central African Republic)"),
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["CAF"],
    },
    {
        "code": "monusco-joint-human-rights-office",
        "name": gettext_noop(
            "UN Joint Human Rights Office in the Democratic Republic of the Congo (MONUSCO)"
        ),
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["COD"],
    },
    {
        "code": "unmiss-human-rights-division",
        "name": gettext_noop("Human Rights Division of UNMISS (South Sudan)"),
        "kind": "peace_mission_component",
        "region": AFRICA,
        "partner": "un-peace-operations",
        "countries": ["SSD"],
    },
    {
        "code": "unama-human-rights-service",
        "name": gettext_noop("Human Rights Service of UNAMA (Afghanistan)"),
        "kind": "peace_mission_component",
        "region": ASIA_PACIFIC,
        "partner": "un-dppa",
        "countries": ["AFG"],
    },
    {
        "code": "binuh-human-rights-service",
        "name": gettext_noop("Human Rights Service of BINUH (Haiti)"),
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
        gettext_noop("National human rights institutions"),
        gettext_noop(
            "Creating and strengthening national human rights institutions in line with "
            "the Paris Principles, and their regional and international networks."
        ),
    ),
    (
        "administration-of-justice",
        gettext_noop("Administration of justice and the rule of law"),
        gettext_noop(
            "Courts, prosecution, legal aid, places of detention and the protection of "
            "human rights in the administration of justice."
        ),
    ),
    (
        "legislative-reform",
        gettext_noop("Legislative reform and incorporation of international standards"),
        gettext_noop(
            "Legal advice on bringing national laws, policies and practices in line with "
            "international human rights standards."
        ),
    ),
    (
        "constitutional-assistance",
        gettext_noop("Constitutional assistance"),
        gettext_noop(
            "Advice on the human rights provisions of constitutions and on constitutional "
            "review processes."
        ),
    ),
    (
        "human-rights-training",
        gettext_noop("Human rights training for State officials"),
        gettext_noop(
            "Training and support to parliament, the judiciary, and police, military and "
            "prison officials."
        ),
    ),
    (
        "human-rights-education",
        gettext_noop("Human rights education and awareness"),
        gettext_noop(
            "Human rights education, including curriculum development, and raising public "
            "awareness to promote a culture of human rights."
        ),
    ),
    (
        "elections",
        gettext_noop("Human rights and elections"),
        gettext_noop("The human rights aspects of free and fair elections."),
    ),
    (
        "national-plans-of-action",
        gettext_noop("National human rights plans of action"),
        gettext_noop(
            "Formulating and implementing comprehensive national human rights plans of action."
        ),
    ),
    (
        "treaty-reporting-follow-up",
        gettext_noop("Ratification, treaty reporting and follow-up to recommendations"),
        gettext_noop(
            "Ratifying the international human rights instruments, reporting to the treaty "
            "bodies and the Universal Periodic Review, and implementing the recommendations "
            "of the international human rights mechanisms."
        ),
    ),
    (
        "civil-society",
        gettext_noop("Support to civil society"),
        gettext_noop(
            "Support to non-governmental organisations and civil society institutions, "
            "including grants to local human rights initiatives."
        ),
    ),
    (
        "victims-remedies",
        gettext_noop("Remedies and reparation for victims"),
        gettext_noop("Compensation and other remedies for victims of human rights violations."),
    ),
    (
        "women-gender-equality",
        gettext_noop("Women's rights and gender equality"),
        gettext_noop(
            "The human rights of women and girls and the integration of a gender perspective."
        ),
    ),
    (
        "rights-of-the-child",
        gettext_noop("Rights of the child"),
        gettext_noop(
            "Implementation of the Convention on the Rights of the Child, including juvenile "
            "justice."
        ),
    ),
    (
        "minorities-indigenous-peoples",
        gettext_noop("Minorities and Indigenous Peoples"),
        gettext_noop(
            "The rights of persons belonging to minorities and of Indigenous Peoples, and "
            "non-discrimination."
        ),
    ),
    (
        "economic-social-cultural-rights",
        gettext_noop("Economic, social and cultural rights and the right to development"),
        gettext_noop(
            "Projects relating to economic, social and cultural rights, the right to "
            "development and a human rights-based approach to development programming."
        ),
    ),
    (
        "business-and-human-rights",
        gettext_noop("Business and human rights"),
        gettext_noop(
            "Implementing the Guiding Principles on Business and Human Rights, including "
            "national action plans."
        ),
    ),
)

# (code, name, description)
FORMS_OF_ASSISTANCE: tuple[tuple[str, str, str], ...] = (
    (
        "advisory-services",
        gettext_noop("Advisory services of experts"),
        gettext_noop(
            "Expert advice from OHCHR staff and from the roster of experts with specialised "
            "knowledge of the areas the programme addresses."
        ),
    ),
    (
        "training-courses",
        gettext_noop("Training courses"),
        gettext_noop("Human rights training courses for officials and other national actors."),
    ),
    (
        "workshops-seminars",
        gettext_noop("Workshops and seminars"),
        gettext_noop(
            "National, regional and international workshops and seminars for learning, "
            "knowledge transfer and sharing experience."
        ),
    ),
    (
        "fellowships",
        gettext_noop("Fellowships"),
        gettext_noop(
            "Human rights fellowships, including the OHCHR Human Rights Fellowship Programme."
        ),
    ),
    (
        "grants",
        gettext_noop("Grants"),
        gettext_noop(
            "Grants in support of projects by Governments, regional human rights "
            "organisations and non-governmental organisations, including micro-grants to "
            "local civil society under the ACT (Assisting Communities Together) project."
        ),
    ),
    (
        "information-documentation",
        gettext_noop("Information and documentation"),
        gettext_noop("Provision of human rights information, publications and documentation."),
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
        gettext_noop("Indivisibility of all rights"),
        gettext_noop(
            "Anchoring technical cooperation to the universality and indivisibility of all "
            "human rights (civil, cultural, economic, political and social), including both "
            "protection and promotion aspects."
        ),
    ),
    (
        2,
        "national-frameworks-institutions",
        gettext_noop("Support to national frameworks and institutions for human rights protection"),
        gettext_noop(
            "Building and strengthening national frameworks and institutions in the field of "
            "human rights through technical cooperation and advisory services."
        ),
    ),
    (
        3,
        "follow-up-mechanisms",
        gettext_noop("Follow-up of recommendations by human rights mechanisms"),
        gettext_noop(
            "Supporting implementation of and follow-up to the recommendations of the human "
            "rights mechanisms, including the Universal Periodic Review."
        ),
    ),
    (
        4,
        "development-sdgs",
        gettext_noop("National development objectives and the 2030 Sustainable Development Goals"),
        gettext_noop(
            "Human rights technical cooperation reflecting and informing national development "
            "objectives to achieve the 2030 Sustainable Development Goals."
        ),
    ),
    (
        5,
        "partnerships",
        gettext_noop("Partnerships with all entities on the ground"),
        gettext_noop("Partnerships with all entities on the ground."),
    ),
    (
        6,
        "participation",
        gettext_noop("Participation"),
        gettext_noop("The broadest possible participation of all elements of national societies."),
    ),
    (
        7,
        "un-integration",
        gettext_noop("Human rights integration in UN programmes and operations"),
        gettext_noop(
            "Mainstreaming human rights throughout the work of all United Nations programmes "
            "and operations in each country and region."
        ),
    ),
)

# (number, code, short name, goal) from General Assembly resolution 70/1.
SDGS: tuple[tuple[int, str, str, str], ...] = (
    (
        1,
        "sdg-1",
        gettext_noop("No poverty"),
        gettext_noop("End poverty in all its forms everywhere."),
    ),
    (
        2,
        "sdg-2",
        gettext_noop("Zero hunger"),
        gettext_noop(
            "End hunger, achieve food security and improved nutrition and promote sustainable "
            "agriculture."
        ),
    ),
    (
        3,
        "sdg-3",
        gettext_noop("Good health and well-being"),
        gettext_noop("Ensure healthy lives and promote well-being for all at all ages."),
    ),
    (
        4,
        "sdg-4",
        gettext_noop("Quality education"),
        gettext_noop(
            "Ensure inclusive and equitable quality education and promote lifelong learning "
            "opportunities for all."
        ),
    ),
    (
        5,
        "sdg-5",
        gettext_noop("Gender equality"),
        gettext_noop("Achieve gender equality and empower all women and girls."),
    ),
    (
        6,
        "sdg-6",
        gettext_noop("Clean water and sanitation"),
        gettext_noop(
            "Ensure availability and sustainable management of water and sanitation for all."
        ),
    ),
    (
        7,
        "sdg-7",
        gettext_noop("Affordable and clean energy"),
        gettext_noop(
            "Ensure access to affordable, reliable, sustainable and modern energy for all."
        ),
    ),
    (
        8,
        "sdg-8",
        gettext_noop("Decent work and economic growth"),
        gettext_noop(
            "Promote sustained, inclusive and sustainable economic growth, full and productive "
            "employment and decent work for all."
        ),
    ),
    (
        9,
        "sdg-9",
        gettext_noop("Industry, innovation and infrastructure"),
        gettext_noop(
            "Build resilient infrastructure, promote inclusive and sustainable industrialization "
            "and foster innovation."
        ),
    ),
    (
        10,
        "sdg-10",
        gettext_noop("Reduced inequalities"),
        gettext_noop("Reduce inequality within and among countries."),
    ),
    (
        11,
        "sdg-11",
        gettext_noop("Sustainable cities and communities"),
        gettext_noop(
            "Make cities and human settlements inclusive, safe, resilient and sustainable."
        ),
    ),
    (
        12,
        "sdg-12",
        gettext_noop("Responsible consumption and production"),
        gettext_noop("Ensure sustainable consumption and production patterns."),
    ),
    (
        13,
        "sdg-13",
        gettext_noop("Climate action"),
        gettext_noop("Take urgent action to combat climate change and its impacts."),
    ),
    (
        14,
        "sdg-14",
        gettext_noop("Life below water"),
        gettext_noop(
            "Conserve and sustainably use the oceans, seas and marine resources for sustainable "
            "development."
        ),
    ),
    (
        15,
        "sdg-15",
        gettext_noop("Life on land"),
        gettext_noop(
            "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably "
            "manage forests, combat desertification, and halt and reverse land degradation and "
            "halt biodiversity loss."
        ),
    ),
    (
        16,
        "sdg-16",
        gettext_noop("Peace, justice and strong institutions"),
        gettext_noop(
            "Promote peaceful and inclusive societies for sustainable development, provide access "
            "to justice for all and build effective, accountable and inclusive institutions at "
            "all levels."
        ),
    ),
    (
        17,
        "sdg-17",
        gettext_noop("Partnerships for the goals"),
        gettext_noop(
            "Strengthen the means of implementation and revitalize the Global Partnership for "
            "Sustainable Development."
        ),
    ),
)

# (code, name, kind, abbreviation)
MECHANISMS: tuple[tuple[str, str, str, str], ...] = (
    ("upr", gettext_noop("Universal Periodic Review"), "upr", gettext_noop("UPR")),
    # The ten human rights treaty bodies.
    (
        "cerd",
        gettext_noop("Committee on the Elimination of Racial Discrimination"),
        "treaty_body",
        gettext_noop("CERD"),
    ),
    ("ccpr", gettext_noop("Human Rights Committee"), "treaty_body", gettext_noop("CCPR")),
    (
        "cescr",
        gettext_noop("Committee on Economic, Social and Cultural Rights"),
        "treaty_body",
        gettext_noop("CESCR"),
    ),
    (
        "cedaw",
        gettext_noop("Committee on the Elimination of Discrimination against Women"),
        "treaty_body",
        gettext_noop("CEDAW"),
    ),
    ("cat", gettext_noop("Committee against Torture"), "treaty_body", gettext_noop("CAT")),
    (
        "spt",
        gettext_noop("Subcommittee on Prevention of Torture"),
        "treaty_body",
        gettext_noop("SPT"),
    ),
    (
        "crc",
        gettext_noop("Committee on the Rights of the Child"),
        "treaty_body",
        gettext_noop("CRC"),
    ),
    (
        "cmw",
        gettext_noop(
            "Committee on the Protection of the Rights of All Migrant Workers and Members of "
            "Their Families"
        ),
        "treaty_body",
        gettext_noop("CMW"),
    ),
    (
        "crpd",
        gettext_noop("Committee on the Rights of Persons with Disabilities"),
        "treaty_body",
        gettext_noop("CRPD"),
    ),
    (
        "ced",
        gettext_noop("Committee on Enforced Disappearances"),
        "treaty_body",
        gettext_noop("CED"),
    ),
    # Special procedures: the system as a whole, then frequently cited mandates.
    (
        "special-procedures",
        gettext_noop("Special procedures of the Human Rights Council"),
        "special_procedure",
        "",
    ),
    (
        "sr-torture",
        gettext_noop(
            "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or "
            "punishment"
        ),
        "special_procedure",
        gettext_noop("SR torture"),
    ),
    (
        "sr-independence-judges-lawyers",
        gettext_noop("Special Rapporteur on the independence of judges and lawyers"),
        "special_procedure",
        gettext_noop("SR IJL"),
    ),
    (
        "sr-human-rights-defenders",
        gettext_noop("Special Rapporteur on the situation of human rights defenders"),
        "special_procedure",
        gettext_noop("SR HRD"),
    ),
    (
        "sr-freedom-of-expression",
        gettext_noop(
            "Special Rapporteur on the promotion and protection of the right to freedom of "
            "opinion and expression"
        ),
        "special_procedure",
        gettext_noop("SR FoE"),
    ),
    (
        "sr-violence-against-women",
        gettext_noop(
            "Special Rapporteur on violence against women and girls, its causes and consequences"
        ),
        "special_procedure",
        gettext_noop("SR VAW"),
    ),
    (
        "sr-indigenous-peoples",
        gettext_noop("Special Rapporteur on the rights of Indigenous Peoples"),
        "special_procedure",
        gettext_noop("SR IP"),
    ),
    (
        "wg-enforced-disappearances",
        gettext_noop("Working Group on Enforced or Involuntary Disappearances"),
        "special_procedure",
        gettext_noop("WGEID"),
    ),
    (
        "wg-arbitrary-detention",
        gettext_noop("Working Group on Arbitrary Detention"),
        "special_procedure",
        gettext_noop("WGAD"),
    ),
)

# (code, name, kind)
FUNDING_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("regular-budget", gettext_noop("UN regular budget"), "regular_budget"),
    (
        "voluntary-fund",
        gettext_noop("Voluntary Fund for Technical Cooperation in the Field of Human Rights"),
        "voluntary_fund",
    ),
    ("extrabudgetary", gettext_noop("Extrabudgetary / partner contributions"), "extrabudgetary"),
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
