"""Locate the GDAL and GEOS libraries that the pyogrio and shapely wheels bundle.

GeoDjango's forms (used by django-leaflet's widget) load GDAL and GEOS through ctypes. We install
no system GIS packages, so unless the environment names other libraries we point Django at the
copies inside the wheels.
"""

import glob
import os
import sysconfig
from pathlib import Path


def _find(libs_dir: str, pattern: str) -> str | None:
    for root in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        matches = sorted(glob.glob(str(Path(root) / libs_dir / pattern)))
        if matches:
            return matches[0]
    return None


def gdal_library_path() -> str | None:
    return os.environ.get("GDAL_LIBRARY_PATH") or _find("pyogrio.libs", "libgdal*.so*")


def geos_library_path() -> str | None:
    return os.environ.get("GEOS_LIBRARY_PATH") or _find("shapely.libs", "libgeos_c*.so*")
