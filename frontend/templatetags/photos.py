"""``{% picture product %}``: a product's or farm's photo at the width the screen needs.

    {% load photos %}
    {% picture offer.product sizes="(min-width: 40rem) 20rem, 50vw" class="card-photo" %}
    {% picture producer eager=True %}  {# the first image above the fold #}

A ``<picture>`` with its WebP renditions and the JPEG ones for browsers without WebP, the
largest rendition's width and height (the page does not move when it arrives) and the photo's
description as ``alt``; lazy-loaded unless ``eager``. Nothing at all without a photo.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from producers import photos

register = template.Library()

DEFAULT_SIZES = "(min-width: 40rem) 20rem, 100vw"


def _srcset(names: list[tuple[str, int]]) -> str:
    return ", ".join(f"{photos.url(name)} {width}w" for name, width in names)


@register.simple_tag
def picture(owner, sizes: str = DEFAULT_SIZES, eager: bool = False, **attrs) -> str:
    renditions = photos.renditions(getattr(getattr(owner, "photo", None), "name", "") or "")
    if not renditions:
        return ""
    largest = renditions[-1]
    # The fallback src: 640 wide where there is one (a phone's screen at 2x).
    fallback = next((r for r in renditions if r.width >= 640), largest)
    loading = mark_safe('loading="eager" fetchpriority="high"' if eager else 'loading="lazy"')
    css = format_html(' class="{}"', attrs["class"]) if attrs.get("class") else ""
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} {} '
        'decoding="async"></picture>',
        _srcset([(r.webp, r.width) for r in renditions]),
        sizes,
        photos.url(fallback.jpeg),
        _srcset([(r.jpeg, r.width) for r in renditions]),
        sizes,
        largest.width,
        largest.height,
        owner.photo_alt,
        css,
        loading,
    )
