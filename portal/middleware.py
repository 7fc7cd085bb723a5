from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def visitor_language(request) -> str:
    """The language chosen with the switch (its cookie), else German."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language in {code for code, _name in settings.LANGUAGES}:
        return language
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """German unless the visitor chose another language with the switch (a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a German
    public portal is German by default, whatever the browser's settings; English is offered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = visitor_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
