"""Uploads are checked by content: every bad upload is refused with a clear German message."""

import io
import struct
import wave
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civic.uploads import (
    AudioUploadField,
    CleanAudio,
    CleanImage,
    ImageUploadField,
    clean_audio,
    clean_image,
    strip_image_metadata,
)

# --------------------------------------------------------------------------------------------
# Builders


def image_bytes(fmt="JPEG", size=(40, 30), exif=None, mode="RGB") -> bytes:
    buf = io.BytesIO()
    image = Image.new(mode, size, "red" if mode == "RGB" else 128)
    options = {"exif": exif} if exif is not None else {}
    image.save(buf, fmt, **options)
    return buf.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "Kamera-Hersteller"
    exif[0x0131] = "Geheime Software 1.0"
    exif[0x8825] = {1: "N", 2: (50.0, 15.0, 30.0), 3: "E", 4: (10.0, 57.0, 36.0)}
    return exif


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR announcing huge dimensions, with one tiny IDAT."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def wav_bytes() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buf.getvalue()


def codes(excinfo) -> set[str]:
    return {error.code for error in excinfo.value.error_list}


# --------------------------------------------------------------------------------------------
# Images


def test_jpeg_with_gps_returns_position_and_loses_exif():
    data = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif()  # the test image really has EXIF

    result = clean_image(upload("Urlaub am See.JPG", data, "image/jpeg"))

    assert isinstance(result, CleanImage)
    assert result.format == "JPEG"
    assert (result.width, result.height) == (40, 30)
    lon, lat = result.gps
    assert lon == pytest.approx(10 + 57 / 60 + 36 / 3600)
    assert lat == pytest.approx(50 + 15 / 60 + 30 / 3600)
    assert result.content.name == "urlaub-am-see.jpg"
    assert result.original_name == "Urlaub am See.JPG"
    cleaned = result.content.read()
    reopened = Image.open(io.BytesIO(cleaned))
    assert reopened.format == "JPEG"
    assert not reopened.getexif()
    assert "exif" not in reopened.info
    assert b"Geheime Software" not in cleaned
    assert b"Exif" not in cleaned


def test_southern_and_western_coordinates_are_negative():
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (33.0, 52.0, 0.0), 3: "W", 4: (70.0, 30.0, 0.0)}
    result = clean_image(image_bytes("JPEG", exif=exif))
    assert result.gps == (pytest.approx(-70.5), pytest.approx(-(33 + 52 / 60)))


def test_image_without_gps_has_none():
    assert clean_image(image_bytes("JPEG")).gps is None


def test_exif_orientation_is_applied_before_stripping():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    result = clean_image(image_bytes("JPEG", size=(40, 30), exif=exif))
    assert (result.width, result.height) == (30, 40)


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_are_accepted(fmt, ext):
    result = clean_image(upload(f"foto.{ext}", image_bytes(fmt, exif=gps_exif())))
    assert result.format == fmt
    assert result.content.name == f"foto.{ext}"
    reopened = Image.open(io.BytesIO(result.content.read()))
    assert reopened.format == fmt
    assert not reopened.getexif()


def test_true_extension_wins_over_the_file_name():
    result = clean_image(upload("bild.jpg", image_bytes("PNG")))
    assert result.format == "PNG"
    assert result.content.name == "bild.png"


def test_text_file_named_jpg_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload("foto.jpg", b"Das ist kein Bild, nur Text.\n" * 10, "image/jpeg"))
    assert codes(excinfo) == {"not_an_image"}
    assert "kein lesbares Bild" in excinfo.value.messages[0]


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("name", ["zeichnung.svg", "zeichnung.png"])
def test_svg_is_refused_whatever_its_name(name):
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(name, SVG, "image/png"))
    assert codes(excinfo) == {"svg"}


def test_svg_without_xml_declaration_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(b'  <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')
    assert codes(excinfo) == {"svg"}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_image_is_refused(fmt):
    buf = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buf, fmt)
    data = buf.getvalue()
    with pytest.raises(ValidationError) as excinfo:
        clean_image(data[: len(data) // 2])
    assert codes(excinfo) == {"not_an_image"}


def test_corrupt_image_is_refused():
    data = bytearray(image_bytes("PNG", size=(50, 50)))
    data[40:60] = b"\x00" * 20  # inside the image data: the checksum no longer matches
    with pytest.raises(ValidationError) as excinfo:
        clean_image(bytes(data))
    assert codes(excinfo) == {"not_an_image"}


def test_oversize_is_refused():
    data = image_bytes("PNG", size=(200, 200))
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload("gross.png", data), max_bytes=100)
    assert codes(excinfo) == {"too_large"}
    assert "zu groß" in excinfo.value.messages[0]


def test_oversize_is_refused_for_plain_bytes_too():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(image_bytes("PNG", size=(200, 200)), max_bytes=100)
    assert codes(excinfo) == {"too_large"}


def test_default_limit_comes_from_settings(settings):
    settings.CIVIC_UPLOAD_MAX_IMAGE_BYTES = 50
    with pytest.raises(ValidationError) as excinfo:
        clean_image(image_bytes("PNG"))
    assert codes(excinfo) == {"too_large"}


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload("leer.jpg", b""))
    assert codes(excinfo) == {"empty"}


def test_decompression_bomb_is_refused(settings):
    settings.CIVIC_UPLOAD_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as excinfo:
        clean_image(png_header_only(20_000, 20_000))
    assert codes(excinfo) == {"decompression_bomb"}


def test_huge_declared_dimensions_beyond_pillows_own_limit_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(png_header_only(100_000, 100_000))
    assert codes(excinfo) == {"decompression_bomb"}


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_unsupported(fmt):
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload("bild.jpg", image_bytes(fmt)))
    assert codes(excinfo) == {"unsupported_format"}
    assert fmt in excinfo.value.messages[0]


def test_strip_image_metadata():
    data = image_bytes("JPEG", exif=gps_exif())
    stripped = strip_image_metadata(data)
    assert not Image.open(io.BytesIO(stripped)).getexif()
    with pytest.raises(ValidationError):
        strip_image_metadata(b"kein Bild")


def test_png_text_chunks_are_removed():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Erika Mustermann, Musterweg 1")
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "PNG", pnginfo=info)
    result = clean_image(buf.getvalue())
    assert b"Mustermann" not in result.content.read()


# --------------------------------------------------------------------------------------------
# Audio

MP3_ID3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 40
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 40


@pytest.mark.parametrize(
    ("name", "data", "fmt", "mime"),
    [
        ("interview.wav", wav_bytes(), "wav", "audio/wav"),
        ("interview.mp3", MP3_ID3, "mp3", "audio/mpeg"),
        ("interview.mp3", MP3_FRAME, "mp3", "audio/mpeg"),
        ("interview.ogg", OGG, "ogg", "audio/ogg"),
        ("interview.m4a", M4A, "m4a", "audio/mp4"),
        ("ohne-endung", wav_bytes(), "wav", "audio/wav"),
    ],
)
def test_audio_formats_are_recognised_by_magic_bytes(name, data, fmt, mime):
    result = clean_audio(upload(name, data, "application/octet-stream"))
    assert isinstance(result, CleanAudio)
    assert result.format == fmt
    assert result.mime == mime
    assert result.content.name.endswith(f".{fmt}")
    assert result.content.read() == data


@pytest.mark.parametrize(
    "data",
    [
        image_bytes("JPEG"),
        b"Das ist ein Text, keine Aufnahme." * 3,
        b"OggS\x00\x02" + b"\x00" * 20 + b"\x80theora" + b"\x00" * 40,
        SVG,
    ],
    ids=["jpeg", "text", "ogg-video", "svg"],
)
def test_non_audio_posing_as_mp3_is_refused(data):
    with pytest.raises(ValidationError) as excinfo:
        clean_audio(upload("aufnahme.mp3", data, "audio/mpeg"))
    assert codes(excinfo) == {"not_audio"}


def test_audio_size_and_empty():
    with pytest.raises(ValidationError) as excinfo:
        clean_audio(upload("a.wav", wav_bytes()), max_bytes=100)
    assert codes(excinfo) == {"too_large"}
    with pytest.raises(ValidationError) as excinfo:
        clean_audio(upload("a.wav", b""))
    assert codes(excinfo) == {"empty"}


# --------------------------------------------------------------------------------------------
# Form fields


class UploadForm(forms.Form):
    photo = ImageUploadField(label="Foto", required=False)
    recording = AudioUploadField(label="Aufnahme", required=False, max_bytes=10_000)


def test_form_fields_return_cleaned_results():
    form = UploadForm(
        data={},
        files={
            "photo": upload("foto.jpg", image_bytes("JPEG", exif=gps_exif()), "image/jpeg"),
            "recording": upload("a.wav", wav_bytes(), "audio/wav"),
        },
    )
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["photo"], CleanImage)
    assert form.cleaned_data["photo"].gps is not None
    assert isinstance(form.cleaned_data["recording"], CleanAudio)


def test_form_fields_show_translated_errors_and_limits():
    form = UploadForm(
        data={},
        files={
            "photo": upload("foto.jpg", b"kein Bild", "image/jpeg"),
            "recording": upload("a.mp3", image_bytes("JPEG"), "audio/mpeg"),
        },
    )
    assert not form.is_valid()
    assert "kein lesbares Bild" in form.errors["photo"][0]
    assert "keine unterstützte Tonaufnahme" in form.errors["recording"][0]
    html = str(form["photo"])
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "15,0\xa0MB" in str(form.fields["photo"].help_text)
    assert "KB" in str(form.fields["recording"].help_text)


def test_form_fields_empty_is_none():
    form = UploadForm(data={}, files={})
    assert form.is_valid()
    assert form.cleaned_data["photo"] is None


def test_required_field_reports_missing_file():
    class Required(forms.Form):
        photo = ImageUploadField(label="Foto")

    form = Required(data={}, files={})
    assert not form.is_valid()
    assert form.errors["photo"]


def test_english_messages():
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            clean_image(SVG)
        message = excinfo.value.messages[0]
        help_text = str(UploadForm().fields["photo"].help_text)
    assert message.startswith("SVG graphics cannot be uploaded")
    assert help_text.startswith("JPEG, PNG or WebP, at most")
