from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


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


class PrivatePagesMiddleware:
    """What a logged-in person sees is theirs: no shared cache or browser history keeps it.

    Work-area pages, drafts and reports in review, but also public pages, which show the
    person's name and links: `Cache-Control: private, no-store` on every answer to a session
    with a user (a public PDF or page for anonymous visitors keeps its own caching).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)  # drops "public"
        return response
