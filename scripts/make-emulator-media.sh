#!/usr/bin/env bash
# Regenerates the Zoom emulator's sample recording: a short two-speaker sales call spoken by espeak-ng,
# muxed by ffmpeg into an MP4 (H.264 + AAC) and an M4A (AAC), with a WebVTT transcript whose cues match
# the speech exactly (cue times come from the measured length of each spoken line).
# Requires the Debian packages ffmpeg and espeak-ng. Output: src/zoom-emulator/media/.
set -euo pipefail

cd "$(dirname "$0")/.."
out=src/zoom-emulator/media
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# speaker|espeak voice|text
lines=(
  "Emma Dubois|en-us+f3|Hello Paul, thanks for joining. Shall we look at the proposal together?"
  "Paul Girard|en-gb|Yes, happy to. The pricing looks good, but we need the rollout before March."
  "Emma Dubois|en-us+f3|March works. We can start with the sales team and add support later."
  "Paul Girard|en-gb|Great. Send me the contract and I will get it signed this week."
)
gap=0.4

: > "$work/concat.txt"
vtt="$out/sandbox-call.vtt"
json="$out/sandbox-call.json"
printf '[\n' > "$json"
t=0
i=0
for line in "${lines[@]}"; do
  IFS='|' read -r speaker voice text <<< "$line"
  i=$((i + 1))
  espeak-ng -v "$voice" -s 160 -w "$work/line$i.wav" "$text"
  # Resample to one format, then append a short silence so speakers don't run together.
  ffmpeg -loglevel error -y -i "$work/line$i.wav" -af "apad=pad_dur=$gap" -ar 48000 -ac 1 "$work/part$i.wav"
  dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/line$i.wav")
  start=$t
  end=$(echo "$t + $dur" | bc -l)
  t=$(echo "$t + $dur + $gap" | bc -l)
  start_ms=$(printf '%.0f' "$(echo "$start * 1000" | bc -l)")
  end_ms=$(printf '%.0f' "$(echo "$end * 1000" | bc -l)")
  sep=','
  [ "$i" -eq "${#lines[@]}" ] && sep=''
  printf '  {"speaker": "%s", "text": "%s", "startMs": %d, "endMs": %d}%s\n' "$speaker" "$text" "$start_ms" "$end_ms" "$sep" >> "$json"
  printf "file '%s'\n" "$work/part$i.wav" >> "$work/concat.txt"
done
printf ']\n' >> "$json"

# VTT from the JSON cue list (Zoom's transcript format: cue number, time range, "Speaker: text").
node -e '
const cues = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ts = (ms) => new Date(ms).toISOString().slice(11, 23);
const body = cues.map((c, i) => `${i + 1}\n${ts(c.startMs)} --> ${ts(c.endMs)}\n${c.speaker}: ${c.text}\n`).join("\n");
require("fs").writeFileSync(process.argv[2], `WEBVTT\n\n${body}`);
' "$json" "$vtt"

ffmpeg -loglevel error -y -f concat -safe 0 -i "$work/concat.txt" -c:a pcm_s16le "$work/speech.wav"
total=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/speech.wav")

# Video: a small moving test pattern (no fonts needed), H.264 baseline-compatible yuv420p so every browser plays it.
ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=320x180:rate=10" -i "$work/speech.wav" -t "$total" \
  -c:v libx264 -preset veryslow -crf 38 -pix_fmt yuv420p -profile:v main -g 100 \
  -c:a aac -b:a 32k -ac 1 -ar 48000 -movflags +faststart -map_metadata -1 -fflags +bitexact \
  -metadata creation_time=2026-01-01T00:00:00Z "$out/sandbox-call.mp4"
ffmpeg -loglevel error -y -i "$work/speech.wav" -c:a aac -b:a 32k -ac 1 -ar 48000 -movflags +faststart \
  -map_metadata -1 -fflags +bitexact "$out/sandbox-call.m4a"

ls -l "$out"
