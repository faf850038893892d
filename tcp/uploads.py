"""Keep the file name a browser sent, so that a bad one is refused out loud.

Django's multipart parser strips path separators and non-printable
characters from upload names without a word; the product would rather tell
the person "this name contains a path" than store something they did not
name. The parser below lets Django sanitise as usual and remembers the name
as sent on each uploaded file (``raw_name``), which ``inspect_upload`` checks.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser


class RawNameKeepingParser(MultiPartParser):
    def sanitize_file_name(self, file_name: str) -> str | None:
        clean = super().sanitize_file_name(file_name)
        if clean is None and file_name:
            # "..", "/" and the like: keep the part so it can be refused with a reason.
            clean = "unnamed"
        if clean:
            self.__dict__.setdefault("_raw_names", {})[clean] = html.unescape(file_name)
        return clean

    def parse(self) -> tuple[Any, Any]:
        post, files = super().parse()
        raw_names = self.__dict__.get("_raw_names", {})
        for _field, uploaded in files.lists():
            for file in uploaded:
                file.raw_name = raw_names.get(file.name, file.name)
        return post, files


class KeepRawUploadNamesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.multipart_parser_class = RawNameKeepingParser
        return self.get_response(request)
