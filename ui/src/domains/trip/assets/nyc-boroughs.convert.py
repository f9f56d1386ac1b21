"""Rebuilds nyc-boroughs.geo.json from NYC DCP's borough boundaries (nybb 16A), as bundled in
the geopandas 0.14.4 wheel (geopandas/datasets/nybb_16a.zip, EPSG:2263, US feet).

    pip download geopandas==0.14.4 --no-deps -d /tmp/gp
    cd /tmp/gp && unzip -o geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*'
    mkdir -p nybb && cd nybb && unzip -o ../geopandas/datasets/nybb_16a.zip
    python3 -m venv /tmp/gpvenv && /tmp/gpvenv/bin/pip install pyproj shapely pyshp
    /tmp/gpvenv/bin/python -W ignore nyc-boroughs.convert.py /tmp/gp/nybb/nybb.shp > nyc-boroughs.geo.json

Simplification happens in the source's planar feet (Douglas-Peucker, 250 ft ≈ 76 m), before
the reprojection to WGS84; parts and holes under ~0.19 km² are dropped (Liberty Island, small
marsh islands), coordinates are rounded to 5 decimals (~1 m). Result: ~1,800 points, ~40 kB.
"""
import json
import sys

import shapefile  # pyshp
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import transform

SOURCE = sys.argv[1] if len(sys.argv) > 1 else '/tmp/gp/nybb/nybb.shp'
TOLERANCE_FT = 250
MIN_AREA_FT2 = 2_000_000  # ~0.19 km²

to_wgs84 = Transformer.from_crs('EPSG:2263', 'EPSG:4326', always_xy=True)


def rounded(coords):
    return [[round(x, 5), round(y, 5)] for x, y in coords]


features = []
reader = shapefile.Reader(SOURCE)
fields = [f[0] for f in reader.fields[1:]]
for item in reader.shapeRecords():
    rec = dict(zip(fields, item.record))
    geom = shape(item.shape.__geo_interface__)
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    kept = []
    for part in parts:
        if part.area < MIN_AREA_FT2:
            continue
        s = part.simplify(TOLERANCE_FT, preserve_topology=True)
        s = Polygon(s.exterior, [h for h in s.interiors if Polygon(h).area >= 4 * MIN_AREA_FT2])
        if not s.is_empty and s.area >= MIN_AREA_FT2:
            kept.append(s)
    wgs = transform(lambda x, y, z=None: to_wgs84.transform(x, y), MultiPolygon(sorted(kept, key=lambda p: -p.area)))
    polygons = [[rounded(p.exterior.coords)] + [rounded(h.coords) for h in p.interiors] for p in wgs.geoms]
    print(rec['BoroName'], sum(len(r) for p in polygons for r in p), 'points', file=sys.stderr)
    features.append({
        'type': 'Feature',
        'properties': {'kind': 'borough', 'name': rec['BoroName'], 'boroCode': int(rec['BoroCode'])},
        'geometry': {'type': 'MultiPolygon', 'coordinates': polygons},
    })
features.sort(key=lambda f: f['properties']['boroCode'])

# Same centres as NYC_AIRPORTS in contracts/trip-event.ts (the fare model's airport zones).
for code, name, lng, lat in [
    ('JFK', 'John F. Kennedy International', -73.7822, 40.6441),
    ('LGA', 'LaGuardia', -73.8726, 40.7744),
    ('EWR', 'Newark Liberty International (NJ)', -74.1745, 40.6895),
]:
    features.append({'type': 'Feature', 'properties': {'kind': 'airport', 'name': name, 'code': code},
                     'geometry': {'type': 'Point', 'coordinates': [lng, lat]}})

# One feature per line: readable diffs, still ~40 kB.
sys.stdout.write('{"type":"FeatureCollection","features":[\n')
sys.stdout.write(',\n'.join(json.dumps(f, separators=(',', ':')) for f in features))
sys.stdout.write('\n]}\n')
