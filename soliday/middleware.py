from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the portal's Content-Security-Policy on every response.

    Templates never use inline scripts, inline styles or event handler
    attributes, so the policy allows only the portal's own files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
