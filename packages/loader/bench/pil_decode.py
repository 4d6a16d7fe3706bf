"""PIL + numpy peer of the loader bench: decode PNG -> one 8-bit channel -> resize -> uint8 array.

Usage: python3 pil_decode.py SIZE REPEAT FILELIST [FILTER [OUT]]   FILTER: LANCZOS (default) or BILINEAR;
OUT: write every output's bytes there (for the agreement check). Prints one JSON object.
"""
import json
import sys
import time

import numpy as np
from PIL import Image


def main() -> None:
    size, repeat, listing = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    resample = getattr(Image, sys.argv[4]) if len(sys.argv) > 4 else Image.LANCZOS
    dump = open(sys.argv[5], "wb") if len(sys.argv) > 5 else None
    with open(listing) as f:
        files = [line.strip() for line in f if line.strip()]
    total = 0
    checksum = 0
    start = time.perf_counter()
    cpu0 = time.process_time()
    for _ in range(repeat):
        for path in files:
            with Image.open(path) as im:
                gray = im.convert("L")
                out = np.asarray(gray.resize((size, size), resample), dtype=np.uint8)
            if dump:
                dump.write(out.tobytes())
            checksum += int(out[size // 2, size // 2])
            total += 1
    seconds = time.perf_counter() - start
    if dump:
        dump.close()
    cpu = time.process_time() - cpu0
    print(json.dumps({"images": total, "seconds": seconds, "imagesPerSecond": total / seconds, "cpuSeconds": cpu, "imagesPerCpuSecond": total / cpu, "checksum": checksum, "pil": Image.__version__}))


if __name__ == "__main__":
    main()
