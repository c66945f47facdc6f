"""Uploads checked by their content, never by file name or browser content type.

Images are decoded with Pillow (JPEG, PNG and WebP only), re-encoded without EXIF and other
metadata (after reading a GPS position from the EXIF, offered as a location suggestion), and
refused when they are SVG, broken, too large or decompression bombs. Audio recordings are
recognised by their magic bytes (MP3, M4A, OGG, WAV).

Settings (read at call time): ``CIVIC_UPLOAD_MAX_IMAGE_BYTES`` (15 MiB),
``CIVIC_UPLOAD_MAX_AUDIO_BYTES`` (50 MiB), ``CIVIC_UPLOAD_MAX_PIXELS`` (60 megapixels),
``CIVIC_PENDING_UPLOAD_HOURS`` (24, for :func:`stash` / ``purge_pending_uploads``).

Keeping uploads across a failed submission: :func:`stash` stores a cleaned upload as a
``civic.PendingUpload`` and :func:`claim` gives it back to the same user or session.
"""

from __future__ import annotations

import io
import math
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MIB = 1024 * 1024
DEFAULT_MAX_IMAGE_BYTES = 15 * MIB
DEFAULT_MAX_AUDIO_BYTES = 50 * MIB
DEFAULT_MAX_PIXELS = 60_000_000

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
AUDIO_MIME = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg", "wav": "audio/wav"}
IMAGE_ACCEPT = ",".join(IMAGE_MIME.values())
AUDIO_ACCEPT = ".mp3,.m4a,.ogg,.oga,.wav,audio/mpeg,audio/mp4,audio/ogg,audio/wav"

GPS_IFD = 0x8825
# Brands in the "ftyp" box of MPEG-4 files that carry audio (M4A/M4B and generic MP4).
M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"mp41", b"mp42", b"isom", b"iso2", b"dash", b"f4a "}

MESSAGES = {
    "empty": _("Die Datei ist leer. Bitte wählen Sie eine andere Datei."),
    "too_large": _("Die Datei ist zu groß (%(size)s). Erlaubt sind höchstens %(max)s."),
    "not_an_image": _(
        "Die Datei ist kein lesbares Bild. Bitte laden Sie ein Foto im Format JPEG, PNG oder "
        "WebP hoch."
    ),
    "unsupported_format": _(
        "Dieses Bildformat (%(format)s) wird nicht unterstützt. Erlaubt sind JPEG, PNG und WebP."
    ),
    "svg": _(
        "SVG-Grafiken können aus Sicherheitsgründen nicht hochgeladen werden. Bitte laden Sie "
        "ein Bild im Format JPEG, PNG oder WebP hoch."
    ),
    "decompression_bomb": _(
        "Das Bild ist zu groß (%(pixels)s Megapixel). Erlaubt sind höchstens %(max)s Megapixel."
    ),
    "not_audio": _(
        "Die Datei ist keine unterstützte Tonaufnahme. Erlaubt sind MP3, M4A, OGG und WAV."
    ),
}


def max_image_bytes() -> int:
    return int(getattr(settings, "CIVIC_UPLOAD_MAX_IMAGE_BYTES", DEFAULT_MAX_IMAGE_BYTES))


def max_audio_bytes() -> int:
    return int(getattr(settings, "CIVIC_UPLOAD_MAX_AUDIO_BYTES", DEFAULT_MAX_AUDIO_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "CIVIC_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class CleanImage:
    """A checked image: re-encoded bytes without metadata, and what was learnt on the way."""

    content: ContentFile
    format: str
    width: int
    height: int
    gps: tuple[float, float] | None = None  # (lon, lat) from the EXIF, before stripping
    original_name: str = ""
    kind: str = field(default="image", init=False)

    @property
    def name(self) -> str:
        return self.content.name

    @property
    def mime(self) -> str:
        return IMAGE_MIME[self.format]

    @property
    def size(self) -> int:
        return self.content.size

    def meta(self) -> dict:
        """JSON-friendly facts about the image (kept with a pending upload)."""
        return {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "gps": list(self.gps) if self.gps else None,
        }


@dataclass
class CleanAudio:
    """A checked audio recording (bytes unchanged, recognised by its magic bytes)."""

    content: ContentFile
    format: str  # mp3 | m4a | ogg | wav
    mime: str
    original_name: str = ""
    kind: str = field(default="audio", init=False)

    @property
    def name(self) -> str:
        return self.content.name

    @property
    def size(self) -> int:
        return self.content.size

    def meta(self) -> dict:
        return {"format": self.format, "mime": self.mime}


# --------------------------------------------------------------------------------------------
# Reading the upload


def _read(file, limit: int) -> tuple[bytes, str]:
    """Read at most ``limit + 1`` bytes (enough to know the file is too large)."""
    if isinstance(file, bytes | bytearray):
        return bytes(file[: limit + 1]), ""
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise _error("too_large", size=filesizeformat(size), max=filesizeformat(limit))
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    data = file.read(limit + 1)
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    return data or b"", PurePath(name).name


def _check_size(data: bytes, limit: int) -> None:
    if not data:
        raise _error("empty")
    if len(data) > limit:
        raise _error("too_large", size=filesizeformat(len(data)), max=filesizeformat(limit))


def _stem(original_name: str, fallback: str) -> str:
    stem = slugify(PurePath(original_name).stem)[:80]
    return stem or fallback


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


# --------------------------------------------------------------------------------------------
# Images


def _rational(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        numerator, denominator = value
        return float(numerator) / float(denominator)


def _dms(values, ref) -> float | None:
    try:
        degrees, minutes, seconds = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() in {"S", "W"}:
        result = -result
    return result if math.isfinite(result) else None


def read_gps(image: Image.Image) -> tuple[float, float] | None:
    """The (lon, lat) in an image's EXIF GPS block, or None."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # broken EXIF is not a reason to refuse the photo
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat = _dms(gps.get(2), gps.get(1, "N"))
    lon = _dms(gps.get(4), gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None
    return (round(lon, 7), round(lat, 7))


def _open(data: bytes) -> Image.Image:
    """Open and fully decode the image; refuse anything Pillow cannot decode completely."""
    if _looks_like_svg(data):
        raise _error("svg")
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            width, height = probe.size
            if fmt not in IMAGE_FORMATS:
                raise _error("unsupported_format", format=fmt or "?")
            if width * height > limit:
                raise _decompression_bomb(width * height, limit)
            probe.verify()  # structure and checksums (PNG CRCs)
            image = Image.open(io.BytesIO(data))
            # LOAD_TRUNCATED_IMAGES is a global Pillow switch: refuse truncated files here
            # whatever another part of the process may have set.
            truncated = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _decompression_bomb(None, limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise _error("not_an_image") from None
    if image.width < 1 or image.height < 1:
        raise _error("not_an_image")
    return image


def _decompression_bomb(pixels, limit) -> ValidationError:
    return _error(
        "decompression_bomb",
        pixels=f"{pixels / 1e6:.0f}" if pixels else "> " + f"{limit / 1e6:.0f}",
        max=f"{limit / 1e6:.0f}",
    )


def _encode(image: Image.Image, fmt: str) -> tuple[bytes, int, int]:
    """Re-encode without EXIF, XMP or text chunks; the EXIF orientation is applied first."""
    icc_profile = image.info.get("icc_profile")
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # a broken orientation tag: keep the pixels as they are
        pass
    out = io.BytesIO()
    options = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True, progressive=True, **options)
    elif fmt == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        if image.mode == "P" and "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        image.save(out, "PNG", optimize=False, **options)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(out, "WEBP", quality=88, method=4, **options)
    return out.getvalue(), image.width, image.height


def strip_image_metadata(data: bytes) -> bytes:
    """The image re-encoded in its own format, without EXIF or other metadata.

    Raises :class:`ValidationError` when the bytes are not a supported image.
    """
    image = _open(data)
    encoded, _width, _height = _encode(image, image.format)
    return encoded


def clean_image(file, *, max_bytes: int | None = None) -> CleanImage:
    """Check an uploaded image by decoding it and return it re-encoded without metadata.

    ``file`` is an uploaded file, any file-like object or bytes. Raises
    :class:`ValidationError` (codes ``empty``, ``too_large``, ``svg``, ``not_an_image``,
    ``unsupported_format``, ``decompression_bomb``).
    """
    limit = max_bytes if max_bytes is not None else max_image_bytes()
    data, original_name = _read(file, limit)
    _check_size(data, limit)
    image = _open(data)
    fmt = image.format
    gps = read_gps(image)
    encoded, width, height = _encode(image, fmt)
    name = f"{_stem(original_name, 'bild')}.{IMAGE_FORMATS[fmt]}"
    return CleanImage(
        content=ContentFile(encoded, name=name),
        format=fmt,
        width=width,
        height=height,
        gps=gps,
        original_name=original_name,
    )


# --------------------------------------------------------------------------------------------
# Audio


def sniff_audio(data: bytes) -> str | None:
    """The audio format the magic bytes announce (mp3, m4a, ogg, wav) or None."""
    if len(data) < 12:
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"OggS":
        head = data[:512]
        if b"vorbis" in head or b"OpusHead" in head or b"FLAC" in head or b"Speex" in head:
            return "ogg"
        return None
    if data[4:8] == b"ftyp" and data[8:12] in M4A_BRANDS:
        return "m4a"
    if data[:3] == b"ID3" and data[3] in (2, 3, 4):
        return "mp3"
    # An MPEG audio frame header: 11 sync bits, a valid version, layer and bitrate.
    b1, b2 = data[1], data[2]
    if (
        data[0] == 0xFF
        and b1 & 0xE0 == 0xE0
        and b1 & 0x18 != 0x08  # reserved version
        and b1 & 0x06 != 0x00  # reserved layer
        and b2 & 0xF0 != 0xF0  # bad bitrate
        and b2 & 0x0C != 0x0C  # reserved sample rate
    ):
        return "mp3"
    return None


def clean_audio(file, *, max_bytes: int | None = None) -> CleanAudio:
    """Check an uploaded audio recording by its magic bytes.

    Raises :class:`ValidationError` (codes ``empty``, ``too_large``, ``not_audio``).
    """
    limit = max_bytes if max_bytes is not None else max_audio_bytes()
    data, original_name = _read(file, limit)
    _check_size(data, limit)
    fmt = sniff_audio(data)
    if fmt is None:
        raise _error("not_audio")
    name = f"{_stem(original_name, 'aufnahme')}.{fmt}"
    return CleanAudio(
        content=ContentFile(data, name=name),
        format=fmt,
        mime=AUDIO_MIME[fmt],
        original_name=original_name,
    )


# --------------------------------------------------------------------------------------------
# Form fields


class _CheckedFileField(forms.FileField):
    accept = ""
    default_help = ""

    def __init__(self, *, max_bytes: int | None = None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("widget", forms.ClearableFileInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", self.accept)
        if not self.help_text:
            # Lazy: the field is built at import time, the language and limit are known later.
            self.help_text = lazy(self._help_text, str)()

    def _help_text(self) -> str:
        return str(self.default_help) % {"max": filesizeformat(self.limit())}

    def limit(self) -> int:
        raise NotImplementedError

    def check(self, value):
        raise NotImplementedError

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not value:
            return None
        if isinstance(value, CleanImage | CleanAudio):
            return value
        return self.check(value)


class ImageUploadField(_CheckedFileField):
    """A photo upload; ``clean()`` returns a :class:`CleanImage` (or None when left empty)."""

    accept = IMAGE_ACCEPT
    default_help = _("JPEG, PNG oder WebP, höchstens %(max)s.")

    def limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else max_image_bytes()

    def check(self, value):
        return clean_image(value, max_bytes=self.limit())


class AudioUploadField(_CheckedFileField):
    """An audio upload; ``clean()`` returns a :class:`CleanAudio` (or None when left empty)."""

    accept = AUDIO_ACCEPT
    default_help = _("MP3, M4A, OGG oder WAV, höchstens %(max)s.")

    def limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else max_audio_bytes()

    def check(self, value):
        return clean_audio(value, max_bytes=self.limit())


# --------------------------------------------------------------------------------------------
# Storing cleaned uploads


class FileLedger:
    """Files written to storage during a transaction, to delete again if it fails.

    Storage is not transactional: a multi-row write that also writes files records each file here
    and calls :meth:`delete_all` when it fails, so no orphan file remains. As a context manager
    (``with FileLedger() as ledger, transaction.atomic(): ...``) it does so on any exception.
    """

    def __init__(self):
        self.files = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.delete_all()
        return False

    def add(self, field_file):
        self.files.append((field_file.storage, field_file.name))

    def delete_all(self):
        for storage, name in self.files:
            try:
                storage.delete(name)
            except OSError:
                pass


def collection_named(name: str):
    """The Wagtail collection ``name`` below the root collection (created on first use)."""
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def save_wagtail_image(
    cleaned: CleanImage,
    *,
    title: str,
    collection_name: str,
    user=None,
    description: str = "",
    ledger: FileLedger | None = None,
):
    """Store a cleaned image (re-encoded, without EXIF) as a Wagtail image in the named collection.

    Call it inside the caller's transaction and pass its ledger, so the file goes when the
    transaction fails.
    """
    from wagtail.images import get_image_model

    image_model = get_image_model()
    image = image_model(
        title=(title or cleaned.original_name or "Bild")[:255],
        collection=collection_named(collection_name),
        uploaded_by_user=user if getattr(user, "is_authenticated", False) else None,
    )
    if description and hasattr(image_model, "description"):
        image.description = description[:255]
    cleaned.content.seek(0)
    image.file.save(cleaned.name, ContentFile(cleaned.content.read()), save=False)
    if ledger is not None:
        ledger.add(image.file)
    image.width, image.height = cleaned.width, cleaned.height
    image._set_image_file_metadata()
    image.save()
    return image


# --------------------------------------------------------------------------------------------
# Keeping uploads across a failed submission


def pending_upload_hours() -> int:
    return int(getattr(settings, "CIVIC_PENDING_UPLOAD_HOURS", 24))


def _owner(request) -> dict:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user, "session_key": ""}
    session = request.session
    if not session.session_key:
        session.save()  # an anonymous visitor needs a session to get the file back
    return {"user": None, "session_key": session.session_key}


def stash(request, cleaned: CleanImage | CleanAudio, *, kind: str):
    """Keep a cleaned upload for this user (or session) so a failed form need not re-upload it."""
    from civic.models import PendingUpload

    if kind not in (PendingUpload.Kind.IMAGE, PendingUpload.Kind.AUDIO):
        raise ValueError(f"Unknown upload kind: {kind}")
    content = cleaned.content
    content.seek(0)
    upload = PendingUpload(
        kind=kind,
        original_name=(cleaned.original_name or cleaned.name)[:255],
        meta=cleaned.meta(),
        **_owner(request),
    )
    # The file is written first; if its row cannot be written, the file goes again (a file no
    # row knows about would never be purged).
    with FileLedger() as ledger:
        upload.file.save(cleaned.name, ContentFile(content.read()), save=False)
        ledger.add(upload.file)
        upload.save()
    return upload


def claim(request, token):
    """The pending upload with this token if it belongs to this user or session, else None."""
    from civic.models import PendingUpload

    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError, AttributeError):
        return None
    owner = _owner(request)
    filters = {"user": owner["user"]} if owner["user"] else {"session_key": owner["session_key"]}
    return PendingUpload.objects.filter(token=token, **filters).first()


def kept_upload(request, field_name: str):
    """The pending upload a re-submitted form carries for ``field_name``, or None.

    Reads the hidden ``<field_name>_token`` input rendered by ``civic/includes/kept_upload.html``;
    when its checkbox ``<field_name>_remove`` is ticked the upload is deleted and None returned.
    """
    data = getattr(request, "POST", {})
    token = data.get(f"{field_name}_token")
    if not token:
        return None
    upload = claim(request, token)
    if upload is not None and data.get(f"{field_name}_remove"):
        upload.delete()
        return None
    return upload


def cleaned_from_pending(upload) -> CleanImage | CleanAudio:
    """A pending upload as the same result a fresh upload gives (to store it the same way)."""
    with upload.file.open("rb") as fh:
        data = fh.read()
    name = PurePath(upload.file.name).name
    meta = upload.meta or {}
    if upload.kind == "image":
        gps = meta.get("gps")
        return CleanImage(
            content=ContentFile(data, name=name),
            format=meta.get("format", "JPEG"),
            width=meta.get("width", 0),
            height=meta.get("height", 0),
            gps=tuple(gps) if gps else None,
            original_name=upload.original_name,
        )
    fmt = meta.get("format") or PurePath(name).suffix.lstrip(".")
    return CleanAudio(
        content=ContentFile(data, name=name),
        format=fmt,
        mime=meta.get("mime") or AUDIO_MIME.get(fmt, "application/octet-stream"),
        original_name=upload.original_name,
    )
