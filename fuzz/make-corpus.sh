#!/usr/bin/env bash
# Regenerates the committed media seeds in fuzz/corpus/{probe,demux}/ with ffmpeg.
# Run once by hand when a seed should change; the smoke run never calls it.
# Every seed is tiny (64x64, well under 20 KB) so libFuzzer mutates it quickly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus/probe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$here/corpus/demux"

ff() { ffmpeg -hide_banner -v error -y "$@"; }
# Deterministic output: no encoder tags or creation times.
exact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
video=(-f lavfi -i "testsrc2=size=64x64:rate=10:duration=0.3")
video1s=(-f lavfi -i "testsrc2=size=64x64:rate=10:duration=1")
tone=(-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=0.3")
h264=(-c:v libx264 -preset ultrafast -bf 2 -g 2 -pix_fmt yuv420p)
aac=(-c:a aac -b:a 16k -ac 1)
opus=(-c:a libopus -b:a 16k -ac 1)
vp9=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 2 -b:v 50k)

ff "${video[@]}" "${tone[@]}" "${h264[@]}" "${aac[@]}" -shortest "${exact[@]}" "$out/h264_aac.mp4"
ff "${video[@]}" "${tone[@]}" "${h264[@]}" "${aac[@]}" -shortest -movflags +faststart "${exact[@]}" "$out/faststart.mp4"
ff "${video[@]}" "${tone[@]}" "${h264[@]}" "${aac[@]}" -shortest "${exact[@]}" "$out/h264_aac.mov"
ff "${video[@]}" "${tone[@]}" "${h264[@]}" "${aac[@]}" -shortest \
   -movflags frag_keyframe+empty_moov+default_base_moof "${exact[@]}" "$out/fragmented.mp4"
# An edit list: cut a 1 s file at 0.5 s without re-encoding.
ff "${video1s[@]}" "${h264[@]}" "${exact[@]}" "$work/long.mp4"
ff -ss 0.5 -i "$work/long.mp4" -c copy "${exact[@]}" "$out/editlist.mp4"
ff "${video[@]}" -c:v libx265 -preset ultrafast -tag:v hvc1 -x265-params log-level=error \
   -pix_fmt yuv420p "${exact[@]}" "$out/hevc.mp4"
ff "${video[@]}" "${tone[@]}" "${vp9[@]}" "${opus[@]}" -shortest "${exact[@]}" "$out/vp9_opus.webm"
ff "${video[@]}" "${tone[@]}" -c:v libvpx -deadline realtime -cpu-used 8 -g 2 -b:v 50k \
   "${opus[@]}" -shortest "${exact[@]}" "$out/vp8_opus.webm"
# Live WebM: written to a pipe, so no cues, no duration and unknown element sizes.
ff "${video[@]}" "${tone[@]}" "${vp9[@]}" "${opus[@]}" -shortest -live 1 "${exact[@]}" -f webm pipe:1 \
   > "$out/live.webm"
ff "${video[@]}" "${tone[@]}" "${h264[@]}" "${aac[@]}" -shortest "${exact[@]}" "$out/h264_aac.mkv"

# A 64-bit mdat size: ffmpeg's 8-byte 'free' placeholder + 32-bit mdat header become one
# 16-byte largesize header, so every chunk offset stays valid.
python3 - "$out/h264_aac.mp4" "$out/largesize.mp4" <<'PY'
import struct, sys
src = open(sys.argv[1], "rb").read()
ftyp = struct.unpack(">I", src[0:4])[0]
free, mdat = src[ftyp:ftyp + 8], src[ftyp + 8:ftyp + 16]
assert free[4:8] == b"free" and mdat[4:8] == b"mdat", "expected ftyp, free, mdat"
body_len = struct.unpack(">I", mdat[0:4])[0] - 8
header = struct.pack(">I4sQ", 1, b"mdat", 16 + body_len)
open(sys.argv[2], "wb").write(src[:ftyp] + header + src[ftyp + 16:])
PY

cp "$out"/* "$here/corpus/demux/"
ls -l "$out"
