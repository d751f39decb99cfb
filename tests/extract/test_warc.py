"""The WARC archive: what a scrape writes is standard WARC (read back here by warcio), every body is
checked by its SHA-256 when read, a WARC file written by another tool is imported as if fetched,
and both are extracted; archives of the layout before WARC are still read."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract import pipeline
from extract.archive import ArchiveError, FetchRecord, RawArchive
from extract.demo_site import DemoSite
from extract.settings import REPO_ROOT, Settings
from extract.warc_import import import_warc

OUTLET = "https://baophuyen-cu.vn"

ARTICLE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{day}T07:30:00+07:00"></head><body><article><h1>{title}</h1>
<p>{text}</p></article></body></html>"""

FOREIGN_PAGES = {
    f"{OUTLET}/xa-hoi/12001.html": ARTICLE.format(
        title="Phú Yên giảm hộ nghèo", day="2016-12-20",
        text="Năm 2016, toàn tỉnh Phú Yên còn 21.450 hộ nghèo, chiếm tỷ lệ 8,6%."),
    f"{OUTLET}/Default.aspx?ItemID=3002": ARTICLE.format(
        title="Cấp thẻ bảo hiểm y tế cho người nghèo", day="2017-03-02",
        text="Quý I năm 2017, Bảo hiểm xã hội tỉnh Phú Yên đã cấp 15.300 thẻ BHYT cho người thuộc hộ cận nghèo."),
}


@pytest.fixture
def registry(tmp_path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{"name": "baophuyen-cu", "homepage": f"{OUTLET}/", "province": "Phú Yên"}]},
                                   allow_unicode=True), encoding="utf-8")
    return path


def settings_for(home: Path, sources: Path) -> Settings:
    return dataclasses.replace(Settings.from_env(), home=home, sources_file=sources, request_delay=0.0)


def http_response(body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK", extra=()) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra], protocol="HTTP/1.0")


def write_foreign_warc(path: Path) -> None:
    """A WARC as another crawler writes it: uncompressed, a warcinfo record, request records before
    responses, a gzip-encoded body, a redirect, a revisit, an image, another site's page, and a
    page written twice."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "another-crawler/2.1", "format": "WARC 1.0"}))
        for i, (url, html) in enumerate(FOREIGN_PAGES.items()):
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.0\r\n\r\n"),
                                                          warc_content_type="application/http; msgtype=request"))
            body = html.encode("utf-8")
            if i == 0:  # sent compressed, as archived by most crawlers: the body as it came
                wire = gzip.compress(body)
                headers = http_response(wire, extra=[("Content-Encoding", "gzip")])
            else:
                wire, headers = body, http_response(body)
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(wire), http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2017-04-01T02:03:04Z"}))
        redirect = http_response(b"", status="301 Moved Permanently", extra=[("Location", f"{OUTLET}/xa-hoi/12001.html")])
        writer.write_record(writer.create_warc_record(f"{OUTLET}/old/12001", "response", payload=io.BytesIO(b""), http_headers=redirect))
        writer.write_record(writer.create_revisit_record(f"{OUTLET}/xa-hoi/12001.html", "sha1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                                                         f"{OUTLET}/xa-hoi/12001.html", "2017-04-01T02:03:04Z"))
        image = b"\x89PNG\r\n\x1a\n...."
        writer.write_record(writer.create_warc_record(f"{OUTLET}/anh/1.png", "response", payload=io.BytesIO(image),
                                                      http_headers=http_response(image, "image/png")))
        other = ARTICLE.format(title="Tin khác", day="2017-01-01", text="Một trang của trang khác.").encode()
        writer.write_record(writer.create_warc_record("https://trang-khac.vn/tin/1.html", "response", payload=io.BytesIO(other),
                                                      http_headers=http_response(other)))
        again = FOREIGN_PAGES[f"{OUTLET}/Default.aspx?ItemID=3002"].encode()
        writer.write_record(writer.create_warc_record(f"{OUTLET}/Default.aspx?ItemID=3002", "response", payload=io.BytesIO(again),
                                                      http_headers=http_response(again)))


def staged(settings: Settings) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((settings.staged_dir / "articles").glob("*.json"))]


# ---------------------------------------------------------------- our WARC files

@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    home = tmp_path_factory.mktemp("warc-home")
    with DemoSite() as site, pytest.MonkeyPatch.context() as env:
        env.setenv("ASXH_DEMO_BASE_URL", site.base_url)
        settings = settings_for(home, REPO_ROOT / "sources" / "demo.yaml")
        result = pipeline.scrape(settings)
    return settings, result


def test_scrape_writes_every_page_with_its_headers_as_standard_gzip_warc_when_run(scraped):
    settings, result = scraped
    files = list((settings.raw_dir / "warc").glob("*.warc.gz"))
    assert len(files) == 1
    with files[0].open("rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
                    r.http_headers.get_header("Content-Type"), r.rec_headers.get_header("WARC-Payload-Digest"),
                    r.content_stream().read()) for r in ArchiveIterator(fh, check_digests="raise")]
    assert len(records) == result.new_pages == 24
    for kind, uri, status, content_type, digest, body in records:
        assert kind == "response" and uri.startswith("http://127.0.0.1:") and status == "200"
        assert content_type.startswith("text/html") and digest.startswith("sha256:")
    log = RawArchive(settings.raw_dir).latest_by_key().values()
    assert {r.sha256 for r in log} == {hashlib.sha256(body).hexdigest() for *_, body in records}


def test_archive_read_raises_naming_the_page_when_its_warc_record_is_damaged(scraped, tmp_path):
    settings, _ = scraped
    import shutil

    shutil.copytree(settings.raw_dir, tmp_path / "raw")
    archive = RawArchive(tmp_path / "raw")
    records = sorted(archive.latest_by_key().values(), key=lambda r: r.warc_offset)
    victim, neighbour = records[3], records[4]
    warc = tmp_path / "raw" / victim.warc_file
    data = bytearray(warc.read_bytes())
    middle = (victim.warc_offset + neighbour.warc_offset) // 2
    data[middle] ^= 0xFF
    warc.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match=victim.url.replace("?", r"\?")):
        archive.read(victim)
    assert archive.read(neighbour)  # the other pages read as before


def test_archive_read_raises_when_a_body_no_longer_has_its_sha256(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    with archive.writer("run-1") as writer:
        record = writer.add(FetchRecord("run-1", "s", "article", "s:/a", "http://a.vn/a", None, 200, "", None, None, False),
                            b"<p>trang</p>", headers={"content-type": "text/html"})
    record.sha256 = hashlib.sha256(b"<p>trang khac</p>").hexdigest()
    with pytest.raises(ArchiveError, match=r"archived page http://a.vn/a is damaged: SHA-256"):
        archive.read(record)


def test_archive_reads_pages_of_the_layout_before_warc_when_records_have_no_warc_file(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    sha = archive.store(b"<p>trang cu</p>")
    archive.write_log("run-old", [FetchRecord("run-old", "s", "article", "s:/a", "http://a.vn/a", None, 200, "", sha, None, False)])
    (record,) = archive.records()
    assert record.warc_file is None and archive.read(record) == b"<p>trang cu</p>"
    assert archive.read(sha) == b"<p>trang cu</p>"


def test_import_warc_ingests_our_own_warc_and_extracts_the_same_articles_when_moved_to_a_new_home(scraped, tmp_path, monkeypatch):
    settings, _ = scraped
    original = pipeline.extract_pending(settings)
    # The demo registry names the site by ASXH_DEMO_BASE_URL: the address it had, now down.
    monkeypatch.setenv("ASXH_DEMO_BASE_URL", "/".join(next(RawArchive(settings.raw_dir).records()).url.split("/")[:3]))
    other = settings_for(tmp_path / "home", REPO_ROOT / "sources" / "demo.yaml")
    result = import_warc(other, sorted((settings.raw_dir / "warc").glob("*.warc.gz")))
    extracted = pipeline.extract_pending(other)
    assert result.errors == [] and result.imported == 24
    assert (extracted.kept, extracted.skipped, extracted.facts) == (original.kept, original.skipped, original.facts)
    assert {a["page_key"]: len(a["facts"]) for a in staged(other)} == {a["page_key"]: len(a["facts"]) for a in staged(settings)}


# ---------------------------------------------------------------- a WARC of another tool

def test_import_warc_ingests_a_foreign_warc_as_if_fetched_and_extracts_it(tmp_path, registry):
    warc = tmp_path / "other-crawl.warc"
    write_foreign_warc(warc)
    settings = settings_for(tmp_path / "home", registry)
    result = import_warc(settings, [warc])
    assert result.errors == []
    assert result.imported == 2 and result.already_archived == 1  # the page written twice, once
    assert result.skipped == {"warcinfo record": 1, "request record": 2, "revisit record": 1, "HTTP 301": 1,
                              "not an HTML page": 1, "no source of the registry for its host": 1}
    archive = RawArchive(settings.raw_dir)
    records = {r.url: r for r in archive.records()}
    assert set(records) == set(FOREIGN_PAGES)
    for url, html in FOREIGN_PAGES.items():
        assert archive.read(records[url]) == html.encode("utf-8")  # gzip undone
        assert records[url].fetched_at == "2017-04-01T02:03:04+00:00" and records[url].source == "baophuyen-cu"
    extracted = pipeline.extract_pending(settings)
    assert extracted.errors == [] and extracted.kept == 2
    facts = {(f["value"], f["unit"], f["fact_table"]) for a in staged(settings) for f in a["facts"]}
    assert (21450, "household", "households") in facts
    assert (15300, "card", "insurance_cards") in facts
    # A second import of the same file adds nothing.
    again = import_warc(settings, [warc])
    assert again.imported == 0 and again.already_archived == 3


def test_import_warc_reports_the_damaged_record_and_imports_the_rest_when_its_content_no_longer_matches_its_digest(tmp_path, registry):
    warc = tmp_path / "damaged.warc"
    write_foreign_warc(warc)
    data = warc.read_bytes()
    warc.write_bytes(data.replace("15.300 thẻ".encode(), "15.800 thẻ".encode(), 1))  # the first copy of that page rots
    settings = settings_for(tmp_path / "home", registry)
    result = import_warc(settings, [warc, tmp_path / "missing.warc.gz"])
    assert len(result.errors) == 2
    assert f"{OUTLET}/Default.aspx?ItemID=3002" in result.errors[0] and "damaged" in result.errors[0]
    assert result.errors[1] == f"{tmp_path / 'missing.warc.gz'}: no such WARC file"
    # The other page, and the intact later copy of the damaged one, are imported as they were.
    assert result.imported == 2
    archive = RawArchive(settings.raw_dir)
    assert {archive.read(r) for r in archive.records()} == {html.encode() for html in FOREIGN_PAGES.values()}


def test_reextract_reads_our_warc_the_foreign_one_and_the_old_layout_when_all_are_archived(tmp_path, registry):
    warc = tmp_path / "other-crawl.warc"
    write_foreign_warc(warc)
    settings = settings_for(tmp_path / "home", registry)
    import_warc(settings, [warc])
    archive = RawArchive(settings.raw_dir)
    old = (REPO_ROOT / "tests" / "fixtures" / "http" / "article.html").read_bytes()
    sha = archive.store(old)
    archive.write_log("20160101T000000000000Z-old", [FetchRecord("20160101T000000000000Z-old", "baophuyen-cu", "article",
                      "baophuyen-cu:/xa-hoi/cu.html", f"{OUTLET}/xa-hoi/cu.html", None, 200, "2016-01-01T00:00:00+00:00",
                      sha, None, False, content_type="text/html", province="Phú Yên")])
    first = pipeline.extract_pending(settings)
    again = pipeline.extract_pending(settings, force=True)  # asxh reextract
    assert first.errors == again.errors == []
    assert first.articles == again.articles == 3
    assert again.facts == first.facts > 0
