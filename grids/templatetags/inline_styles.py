from django import template

from ipbsite.http.inline_styles import allow_inline_style

register = template.Library()


@register.simple_tag(takes_context=True)
def inline_style(context, css: str):
    """{% inline_style rendered.css %}: a <style> element the page's CSP allows by its hash
    (ipbsite/http/inline_styles.py). Only for CSS the site wrote, never for anything a visitor
    sent."""
    return allow_inline_style(context["request"], css)
