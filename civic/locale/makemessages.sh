#!/bin/sh
# Update civic/locale/{de,en}/LC_MESSAGES/django.po from the civic app's Python code and the
# civic templates that live in the project's templates/ folder (comments, kept uploads).
# makemessages only scans the current directory, so this builds a scratch folder of symlinks.
# Usage (from anywhere): sh civic/locale/makemessages.sh   — then fill English entries.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/templates/civic/includes" "$SCRATCH/locale"
ln -s "$ROOT/civic" "$SCRATCH/civic"
ln -s "$ROOT/templates/comments" "$SCRATCH/templates/comments"
ln -s "$ROOT/templates/django_comments_xtd" "$SCRATCH/templates/django_comments_xtd"
ln -s "$ROOT/templates/civic/comments" "$SCRATCH/templates/civic/comments"
ln -s "$ROOT/templates/civic/includes/kept_upload.html" "$SCRATCH/templates/civic/includes/kept_upload.html"
cp -r "$ROOT/civic/locale/de" "$ROOT/civic/locale/en" "$SCRATCH/locale/"
cd "$SCRATCH"
"$ROOT/.venv/bin/python" "$ROOT/manage.py" makemessages -l de -l en --no-obsolete --symlinks \
    --ignore "civic/locale/*" --ignore "civic/settings/*" --ignore "civic/migrations/*"
for lang in de en; do
    cp "$SCRATCH/locale/$lang/LC_MESSAGES/django.po" "$ROOT/civic/locale/$lang/LC_MESSAGES/django.po"
done
