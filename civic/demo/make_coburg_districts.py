"""Generate ``coburg_stadtteile.geojson``: approximate demo districts for Coburg.

Run once (``python civic/demo/make_coburg_districts.py``); only the resulting file is used. The
polygons are Voronoi cells around rough district centres, clipped to a rough city outline: they
look plausible on a map but are NOT official boundaries.
"""

import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

NOTE = "Näherungsweise Demo-Geometrie, keine amtlichen Grenzen"

# (name, lon, lat of an approximate centre, invented but plausible population; sum 41,000)
DISTRICTS = [
    ("Innenstadt", 10.9646, 50.2585, 9000),
    ("Ketschendorf", 10.9760, 50.2440, 5600),
    ("Creidlitz", 10.9690, 50.2290, 2300),
    ("Bertelsdorf", 10.9330, 50.2410, 2400),
    ("Wüstenahorn", 10.9380, 50.2560, 3900),
    ("Scheuerfeld", 10.9130, 50.2680, 2600),
    ("Neuses", 10.9470, 50.2760, 3500),
    ("Beiersdorf", 10.9280, 50.2900, 2100),
    ("Rögen", 10.9650, 50.2980, 1200),
    ("Lützelbuch", 11.0030, 50.2850, 1500),
    ("Cortendorf", 10.9880, 50.2660, 3700),
    ("Seidmannsdorf", 11.0150, 50.2600, 1900),
    ("Löbelstein", 11.0200, 50.2420, 1300),
]

# A rough, slightly irregular city outline within lon 10.89–11.04, lat 50.22–50.31.
OUTLINE = Polygon(
    [
        (10.905, 50.222),
        (10.990, 50.220),
        (11.030, 50.228),
        (11.040, 50.250),
        (11.035, 50.275),
        (11.015, 50.300),
        (10.975, 50.310),
        (10.930, 50.305),
        (10.895, 50.285),
        (10.890, 50.250),
    ]
)


def build() -> dict:
    seeds = MultiPoint([(lon, lat) for _, lon, lat, _ in DISTRICTS])
    cells = shapely.voronoi_polygons(seeds, extend_to=OUTLINE).geoms
    features = []
    for name, lon, lat, population in DISTRICTS:
        centre = Point(lon, lat)
        cell = next(c for c in cells if c.contains(centre))
        polygon = shapely.set_precision(cell.intersection(OUTLINE), 1e-6)
        geometry = mapping(polygon)
        geometry = {
            "type": geometry["type"],
            "coordinates": [
                [[round(x, 6), round(y, 6)] for x, y in ring] for ring in geometry["coordinates"]
            ],
        }
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "population": population, "note": NOTE},
                "geometry": geometry,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "coburg_stadtteile",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "note": NOTE,
        "features": features,
    }


if __name__ == "__main__":
    target = Path(__file__).with_name("coburg_stadtteile.geojson")
    collection = build()
    # One feature per line: readable diffs, small file.
    features = ",\n".join(json.dumps(f, ensure_ascii=False) for f in collection.pop("features"))
    header = json.dumps(collection, ensure_ascii=False)[:-1]
    target.write_text(f'{header}, "features": [\n{features}\n]}}\n', encoding="utf-8")
    print(f"{len(DISTRICTS)} districts written to {target}")
