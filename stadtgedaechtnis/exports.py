"""Exports of published memories: GeoJSON, GeoPackage (QGIS) and CSV.

Only published memories, only their public (blurred) points, with licence and attribution per
record. Contact data, the exact point and the account never leave the system this way.
"""

import csv
import io
import json
from pathlib import Path

from stadtgedaechtnis.models import Licence, Memory

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}

#: The columns of every export, in order. Nothing personal beyond the chosen attribution.
COLUMNS = [
    "id",
    "title",
    "summary",
    "story",
    "date_text",
    "date_from",
    "date_to",
    "decade",
    "place_name",
    "place_note",
    "district",
    "themes",
    "precision",
    "licence",
    "licence_name",
    "licence_url",
    "attribution",
    "photos",
    "url",
    "published_at",
    "lon",
    "lat",
]


def export_queryset():
    return (
        Memory.objects.published()
        .select_related("district", "author")
        .prefetch_related("themes", "photos")
        .order_by("pk")
    )


def records(base_url: str = "") -> list[dict]:
    """One dict per published memory with the columns above (lon/lat are public points)."""
    rows = []
    for memory in export_queryset():
        rows.append(
            {
                "id": memory.pk,
                "title": memory.title,
                "summary": memory.summary,
                "story": memory.story,
                "date_text": memory.date_text,
                "date_from": memory.date_from.isoformat() if memory.date_from else None,
                "date_to": memory.date_to.isoformat() if memory.date_to else None,
                "decade": memory.decade,
                "place_name": memory.place_name,
                "place_note": memory.place_note,
                "district": memory.district.name if memory.district else None,
                "themes": "; ".join(theme.name for theme in memory.themes.all()),
                "precision": memory.precision,
                "licence": memory.licence,
                "licence_name": str(dict(Licence.choices).get(memory.licence, memory.licence)),
                "licence_url": memory.licence_url,
                "attribution": memory.public_attribution,
                "photos": len(memory.photos.all()),
                "url": base_url.rstrip("/") + memory.get_absolute_url(),
                "published_at": memory.published_at.isoformat() if memory.published_at else None,
                "lon": memory.public_lon,
                "lat": memory.public_lat,
            }
        )
    return rows


def to_geojson(rows: list[dict]) -> dict:
    features = []
    for row in rows:
        properties = {k: v for k, v in row.items() if k not in ("lon", "lat")}
        geometry = (
            {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
            if row["lon"] is not None and row["lat"] is not None
            else None
        )
        features.append(
            {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def write_csv(rows: list[dict], out) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


def write_gpkg(rows: list[dict], path: Path) -> None:
    import geopandas
    import pandas
    from shapely.geometry import Point

    columns = [c for c in COLUMNS if c not in ("lon", "lat")]
    frame = pandas.DataFrame([{c: row[c] for c in columns} for row in rows], columns=columns)
    geometry = geopandas.GeoSeries(
        [Point(r["lon"], r["lat"]) if r["lon"] is not None else None for r in rows],
        crs="EPSG:4326",
    )
    layer = geopandas.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    layer.to_file(path, driver="GPKG", layer="erinnerungen", engine="pyogrio")


def export(fmt: str, out_path: Path | str, base_url: str = "") -> int:
    """Write the export in ``fmt`` (geojson, gpkg, csv) to ``out_path``; returns the count."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format: {fmt}")
    out_path = Path(out_path)
    rows = records(base_url)
    if fmt == "geojson":
        out_path.write_text(json.dumps(to_geojson(rows), ensure_ascii=False), encoding="utf-8")
    elif fmt == "csv":
        with out_path.open("w", encoding="utf-8", newline="") as fh:
            write_csv(rows, fh)
    else:
        if out_path.exists():
            out_path.unlink()
        write_gpkg(rows, out_path)
    return len(rows)


def export_bytes(fmt: str, base_url: str = "") -> bytes:
    """The export as bytes (for the download in the admin)."""
    rows = records(base_url)
    if fmt == "geojson":
        return json.dumps(to_geojson(rows), ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(rows, buffer)
        return buffer.getvalue().encode("utf-8")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "erinnerungen.gpkg"
        write_gpkg(rows, path)
        return path.read_bytes()
