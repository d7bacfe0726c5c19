"""Real small files of every accepted type (and some refused ones) for upload tests."""

import functools
import io
import struct
import zipfile
import zlib

import pydyf
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from weasyprint import HTML


@functools.lru_cache(maxsize=64)
def pdf(text: str = "Statuts de l'association") -> bytes:
    """A real PDF (WeasyPrint), rendered once per text: bytes are immutable."""
    return HTML(string=f"<p>{text}</p>").write_pdf()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 61, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Budget", 12500])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Statuts</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def _opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored first, uncompressed
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def odt() -> bytes:
    return _opendocument("application/vnd.oasis.opendocument.text")


def ods() -> bytes:
    return _opendocument("application/vnd.oasis.opendocument.spreadsheet")


def windows_executable() -> bytes:
    # The DOS header of a PE executable, then padding: what a renamed .exe starts with.
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Hostile files (issue 13): each small on disk -----------------------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

MIB = 1 << 20
# CRC-32 of 2**30 zero bytes, so that the 1 GiB bomb is a valid ZIP without hashing 1 GiB.
CRC_OF_ONE_GIB_OF_ZEROS = 0x5B64C2B0


def deflated_zeros(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream inflating to so many MiB of zeros (about 1 KB per MiB), its CRC.

    Each 1 MiB block is compressed after a full flush (history reset), so the
    blocks are the same bytes: built in milliseconds, whatever the size.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    if mebibytes == 1024:
        crc = CRC_OF_ONE_GIB_OF_ZEROS
    else:
        crc = 0
        for _ in range(mebibytes):
            crc = zlib.crc32(b"\0" * MIB, crc)
    return block * mebibytes + b"\x03\x00", crc  # then a final, empty fixed-Huffman block


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP from (name, stored bytes, method, crc, uncompressed size): sizes as declared."""
    body, directory = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = body.tell()
        body.write(
            struct.pack(
                "<4s5H3I2H",
                b"PK\x03\x04",
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        body.write(encoded + data)
        directory.write(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        directory.write(encoded)
    index = directory.getvalue()
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(index), body.tell(), 0
    )
    return body.getvalue() + index + end


def odt_bomb(mebibytes: int = 1024, *, declared: int | None = None) -> bytes:
    """An ODT whose ``mimetype`` member inflates to 1 GiB: the issue's 27 s, 2 GiB attack.

    ``declared`` makes the index lie about the inflated size.
    """
    stream, crc = deflated_zeros(mebibytes)
    content = b"<office:document-content/>"
    return raw_zip(
        [
            ("mimetype", stream, zipfile.ZIP_DEFLATED, crc, declared or mebibytes * MIB),
            ("content.xml", content, zipfile.ZIP_STORED, zlib.crc32(content), len(content)),
        ]
    )


def docx_with_many_members(count: int) -> bytes:
    return docx_with({f"word/media/image{n}.png": b"" for n in range(count)})


def docx_with(extra: dict[str, bytes]) -> bytes:
    """A valid DOCX plus the given members."""
    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt_with(extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(odt())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdf_html_polyglot() -> bytes:
    """A PDF that a browser sniffing the bytes would render as a page with a script."""
    header, rest = pdf().split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.domain)</script></body></html>\n" + rest


def hand_made_pdf(*, catalog: dict | None = None, page: dict | None = None) -> bytes:
    """A one-page PDF with extra catalogue or page entries, its objects compressed in an
    object stream (as modern PDFs are): a byte search would not see them."""
    document = pydyf.PDF()
    page_object = pydyf.Dictionary(
        {
            "Type": "/Page",
            "Parent": document.pages.reference,
            "MediaBox": pydyf.Array([0, 0, 200, 200]),
        }
    )
    for key, value in (page or {}).items():
        page_object[key] = _pdf_value(document, value)
    document.add_object(page_object)
    document.pages["Kids"].append(page_object.reference)
    document.pages["Count"] += 1
    for key, value in (catalog or {}).items():
        document.catalog[key] = _pdf_value(document, value)
    buffer = io.BytesIO()
    document.write(buffer, version=b"1.7", compress=True)
    return buffer.getvalue()


def _pdf_value(document, value):
    if isinstance(value, dict):
        dictionary = pydyf.Dictionary(
            {key: _pdf_value(document, item) for key, item in value.items()}
        )
        document.add_object(dictionary)
        return dictionary.reference
    if isinstance(value, list):
        return pydyf.Array([_pdf_value(document, item) for item in value])
    return value


def pdf_with_open_action_javascript() -> bytes:
    return hand_made_pdf(
        catalog={
            "OpenAction": {
                "Type": "/Action",
                "S": "/JavaScript",
                "JS": pydyf.String("app.alert(1)"),
            }
        }
    )


def pdf_with_additional_action() -> bytes:
    """A page that launches something when opened (``/AA``)."""
    return hand_made_pdf(page={"AA": {"O": {"S": "/Launch", "F": pydyf.String("calc.exe")}}})


def pdf_with_embedded_file() -> bytes:
    stream = pydyf.Stream([windows_executable()], extra={"Type": "/EmbeddedFile"})
    return hand_made_pdf(
        catalog={
            "Names": {
                "EmbeddedFiles": {
                    "Names": pydyf.Array(
                        [pydyf.String("programme.exe"), {"Type": "/Filespec", "EF": {"F": stream}}]
                    )
                }
            }
        }
    )


def pdf_opening_on_its_first_page() -> bytes:
    """An ``/OpenAction`` that is only a destination: harmless, accepted."""
    return hand_made_pdf(catalog={"OpenAction": pydyf.Array([0, "/Fit"]), "PageMode": "/UseNone"})


def png_with_html() -> bytes:
    """A real PNG whose text chunk holds a page."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<html><script>alert(document.cookie)</script></html>")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 61, 145)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_html() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG", comment=b"<svg onload=alert(1)>")
    return buffer.getvalue()


def ole_header() -> bytes:
    """The first bytes of an OLE compound file: VBA macros, embedded objects."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def xlsx_with(extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(xlsx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ods_with_picture() -> bytes:
    buffer = io.BytesIO(ods())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Pictures/logo.png", png())
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        archive.writestr("Thumbnails/thumbnail.png", png())
    return buffer.getvalue()


def pdf_carrying_eicar() -> bytes:
    """A real, valid PDF with the EICAR test string in a comment: the antivirus's test file.

    A bare EICAR file is refused before any scan (it is no PDF); this one passes every
    check by content, so that only clamd can stop it.
    """
    header, rest = hand_made_pdf().split(b"\n", 1)
    return header + b"\n%" + EICAR + b"\n" + rest


def docx_carrying_eicar() -> bytes:
    return docx_with({"word/media/image1.png": png() + EICAR})
