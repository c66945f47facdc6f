"""Template tags for comments: ``{% load civic_comments %}{% comment_section object %}``."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django_comments.models import CommentFlag
from django_comments_xtd.models import max_thread_level_for_content_type

from civic import comments

register = template.Library()


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


@register.inclusion_tag("civic/comments/section.html", takes_context=True)
def comment_section(context, obj, heading_level: int = 2):
    """The comment section of ``obj``: heading with count, thread, reply forms, form or hint."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tree = comments.comment_tree(obj)
    nodes = list(_walk(tree))
    count = sum(1 for node in nodes if not node.comment.is_removed)
    flagged_ids: set[int] = set()
    if user is not None and user.is_authenticated and nodes:
        flagged_ids = set(
            CommentFlag.objects.filter(
                user=user,
                flag=CommentFlag.SUGGEST_REMOVAL,
                comment_id__in=[node.comment.pk for node in nodes],
            ).values_list("comment_id", flat=True)
        )
    can_comment = comments.may_comment(obj, user)
    content_type = ContentType.objects.get_for_model(obj)
    url = comments.target_url(obj)
    heading_level = max(2, min(int(heading_level), 5))
    return {
        "request": request,
        "user": user,
        "target": obj,
        "target_url": url,
        "tree": tree,
        "count": count,
        "flagged_ids": flagged_ids,
        "can_comment": can_comment,
        "closed_message": (
            comments.closed_message(obj, user)
            if user is not None and user.is_authenticated and not can_comment
            else ""
        ),
        "premoderated": comments.is_premoderated(obj),
        "form": comments.comment_form(obj) if can_comment else None,
        "max_level": max_thread_level_for_content_type(content_type),
        "heading_tag": f"h{heading_level}",
        "sub_heading_tag": f"h{heading_level + 1}",
    }


@register.simple_tag
def reply_form(target, parent):
    """``{% reply_form target comment as form %}``: a reply form to ``comment``."""
    return comments.comment_form(target, parent)


@register.filter
def comment_author(comment) -> str:
    """The public name of a comment's author (never an e-mail address)."""
    return comments.author_name(comment)


@register.simple_tag
def comment_count(obj) -> int:
    """``{% comment_count object %}``: public, not removed comments (uses an annotation if any)."""
    return comments.comment_count_for(obj)


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """An absolute URL for ``path`` on the default Wagtail site (for e-mails)."""
    from wagtail.models import Site

    if not path or path.startswith(("http://", "https://")):
        return path or ""
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site else ""
    return f"{root}{path}"


@register.filter
def comment_target_url(obj) -> str:
    """The page of a commented object."""
    if obj is None:
        return ""
    try:
        return comments.target_url(obj)
    except Exception:  # an object without a public page
        return ""


@register.simple_tag(takes_context=True)
def may_comment(context, target) -> bool:
    """``{% may_comment target as allowed %}``: whether the current user may comment there."""
    request = context.get("request")
    return comments.may_comment(target, getattr(request, "user", None))
