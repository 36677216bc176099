from soliday import links


def site(request):
    """SITE_URL in templates: the origin of this request (see soliday.links)."""
    return {"SITE_URL": links.origin()}
