"""``python3 -m capsim sweep ...``: the sweep command line on Dask (``capsim sweep --dask`` runs it)."""
import sys

from .sweeps import main

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "sweep":
        print("usage: python3 -m capsim sweep SCENARIO --param /POINTER=V1,V2 [--dask ADDRESS] ... (--help for more)",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[2:]))
