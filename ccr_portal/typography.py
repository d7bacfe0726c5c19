"""French typography on every HTML page, in one place: the output of the templates and of
the services' messages alike (see ``french_spaces_html``)."""

from ccr_portal.formatting import french_spaces_html


class FrenchTypographyMiddleware:
    """No-break spaces before « : ; ! ? » and inside « », in the text of HTML responses.

    Attribute values, scripts, styles, code and the content of text areas are
    never touched: a URL, a form's value or what someone typed stays as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
        ):
            charset = response.charset or "utf-8"
            response.content = french_spaces_html(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
