"""Template tags for the site chrome: navigation, language links, site settings."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page's live children marked "show in menus", as (page, is_active) pairs."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    current = context.get("page") or context.get("self")
    current_path = getattr(current, "path", "") or ""
    items = []
    for page in Page.objects.live().public().in_menu().child_of(site.root_page):
        items.append(
            {
                "title": page.title,
                "url": page.get_url(request),
                "active": bool(current_path) and current_path.startswith(page.path),
            }
        )
    return items


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to the current page in every site language (no form, no script needed)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def site_root_url(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return "/"
    return site.root_page.get_url(request) or "/"


@register.filter
def page_url(page, request=None):
    if page is None:
        return ""
    return page.get_url(request) or ""
