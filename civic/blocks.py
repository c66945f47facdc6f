"""The one shared StreamField block set of the site (headings, text, images, quotes, ...)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from civic.privacy_blocks import RetentionPeriodsBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Überschrift"), max_length=160)
    level = blocks.ChoiceBlock(
        label=_("Ebene"),
        choices=[("h2", _("Überschrift 2")), ("h3", _("Überschrift 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Überschrift")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Der Coburger Weg", "level": "h2"}
        description = _("Eine Zwischenüberschrift, die den Text gliedert.")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Bild"))
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=255)
    credit = blocks.CharBlock(label=_("Bildnachweis"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "blocks/image_block.html"
        description = _("Ein Bild mit Alternativtext, Bildunterschrift und Bildnachweis.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Zitat"))
    attribution = blocks.CharBlock(label=_("Quelle"), required=False, max_length=160)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "blocks/quote_block.html"
        preview_value = {
            "quote": "Keine Antwort ist die schlechteste Antwort.",
            "attribution": "Steuerungsgruppe Digitale Agenda",
        }
        description = _("Ein hervorgehobenes Zitat mit Quelle.")


def validate_link_target(value: str) -> None:
    """A site-relative path ("/konto/signup/") or an absolute http(s) address."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    if not value or (value.startswith("/") and not value.startswith("//")):
        return
    try:
        URLValidator(schemes=["http", "https", "mailto"])(value)
    except ValidationError as exc:
        raise ValidationError(
            _("Bitte eine Adresse wie https://… oder einen Pfad wie /konto/signup/ angeben.")
        ) from exc


class LinkValue(blocks.StructValue):
    def href(self) -> str:
        """The chosen page's URL, else the typed address."""
        page = self.get("page")
        return (page.url or "") if page else (self.get("url") or "")


class LinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Seite"), required=False)
    url = blocks.CharBlock(
        label=_("Oder Adresse"),
        required=False,
        max_length=500,
        validators=[validate_link_target],
        help_text=_("Externe Adresse (https://…) oder Pfad auf dieser Website (/…)."),
    )

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks.struct_block import StructBlockValidationError

        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Bitte eine Seite oder Adresse angeben."))}
            )
        return value

    class Meta:
        icon = "link"
        label = _("Verweis")
        value_class = LinkValue


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link = LinkBlock(label=_("Ziel"))
    button_label = blocks.CharBlock(label=_("Beschriftung der Schaltfläche"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Handlungsaufruf")
        template = "blocks/call_to_action_block.html"
        preview_value = {
            "title": "Machen Sie mit!",
            "text": "Ihre Ideen machen unsere Stadt digitaler.",
            "link": {"url": "https://example.org"},
            "button_label": "Vorschlag einreichen",
        }
        description = _("Ein hervorgehobener Kasten mit einer Schaltfläche.")


class AccordionItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Frage oder Titel"), max_length=200)
    answer = blocks.RichTextBlock(label=_("Antwort oder Inhalt"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Eintrag")


class AccordionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Überschrift"), required=False, max_length=160)
    items = blocks.ListBlock(AccordionItemBlock(), label=_("Einträge"))

    class Meta:
        icon = "list-ul"
        label = _("Aufklappliste / FAQ")
        template = "blocks/accordion_block.html"
        preview_value = {
            "heading": "Häufige Fragen",
            "items": [
                {"question": "Wer kann mitmachen?", "answer": "<p>Alle, die hier leben.</p>"},
                {"question": "Was kostet es?", "answer": "<p>Nichts.</p>"},
            ],
        }
        description = _("Fragen und Antworten, die sich aufklappen lassen.")


class CivicEmbedBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("Eingebettetes Medium")
        template = "blocks/embed_block.html"
        description = _("Ein Video oder anderes Medium über seine Adresse.")


class CivicStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        features=RICH_TEXT_FEATURES,
        template="blocks/paragraph_block.html",
        preview_value="<p>Die Stadt lädt alle ein, die Digitalisierung mitzugestalten.</p>",
        description=_("Formatierter Fließtext."),
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    embed = CivicEmbedBlock()
    retention_periods = RetentionPeriodsBlock()

    class Meta:
        block_counts = {}


class TeaserBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    image = ImageBlock(label=_("Bild"), required=False)
    link = LinkBlock(label=_("Ziel"))
    link_label = blocks.CharBlock(label=_("Beschriftung des Verweises"), max_length=60)

    class Meta:
        icon = "doc-full"
        label = _("Teaser")
        template = "blocks/teaser_block.html"
        preview_value = {
            "title": "Stadtgedächtnis",
            "text": "Erzählen Sie, wie es früher war.",
            "link": {"url": "https://example.org"},
            "link_label": "Zum Stadtgedächtnis",
        }
        description = _("Ein Verweis auf einen Bereich der Website mit kurzem Text.")
