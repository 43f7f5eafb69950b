#!/bin/sh
# Publishes the build in public/ to one S3 bucket per portal, named
# portal-<site>, uploading only what changed since the build in previous/.
#
# rclone uploads and deletes the files through the remote "cdn", and the
# AWS CLI creates the redirects, because rclone cannot set an object's
# website redirect location. The uploads and redirects of every portal
# come first and the deletions after them, because the pages of one
# portal link to the pages of others.
#
# A portal missing from public/ stops the script before anything is
# published. To delete the files of portals that left the federation,
# set REMOVE to their comma-separated IDs.
set -eu
export LC_ALL=C

# Cache-Control values of _headers: fingerprinted assets for a year, the
# files under dateien/, whose names stay when they change, for a day,
# and everything else for five minutes.
immutable='public, max-age=31536000, immutable'
day='public, max-age=86400'
short='public, max-age=300, must-revalidate'

verbund diff -format json ${REMOVE:+-remove "$REMOVE"} previous/ public/ > changes.json

# redirects FILE prints the key and the target, separated by a tab, of
# each rule of the _redirects file FILE, sorted by key. S3 decodes a
# request's path before it looks up the key, so the key is the alias with
# its %XX escapes decoded. An alias ending in / becomes the key of its
# index.html, where the S3 website endpoint looks for the page.
tab=$(printf '\t')
redirects() {
  if [ -f "$1" ]; then
    awk 'BEGIN { for (i = 1; i < 256; i++) byte[sprintf("%02X", i)] = sprintf("%c", i) }
    function decode(s,   out, i) {
      out = ""
      while ((i = index(s, "%")) > 0) {
        out = out substr(s, 1, i - 1) byte[substr(s, i + 1, 2)]
        s = substr(s, i + 3)
      }
      return out s
    }
    $3 == 301 {
      key = decode(substr($1, 2))
      if (key == "" || key ~ /\/$/) key = key "index.html"
      print key "\t" $2
    }' "$1" | sort
  fi
}

# Pass 1: the new and changed files and the new redirects of every portal.
for site in $(jq -r '.sites[] | select(.removed | not) | .site' changes.json); do
  jq -r --arg s "$site" '.sites[] | select(.site == $s) | .upload[]' changes.json > upload.txt
  grep '^assets/' upload.txt > assets.txt || true
  grep '^dateien/' upload.txt > files.txt || true
  grep -v -x -e 'assets/.*' -e 'dateien/.*' -e _headers -e _redirects upload.txt > pages.txt || true
  rclone copy --checksum --files-from assets.txt --header-upload "Cache-Control: $immutable" \
    "public/$site" "cdn:portal-$site"
  rclone copy --checksum --files-from files.txt --header-upload "Cache-Control: $day" \
    "public/$site" "cdn:portal-$site"
  rclone copy --checksum --files-from pages.txt --header-upload "Cache-Control: $short" \
    "public/$site" "cdn:portal-$site"

  redirects "previous/$site/_redirects" > redirects-old.txt
  redirects "public/$site/_redirects" > redirects-new.txt
  comm -13 redirects-old.txt redirects-new.txt |
  while IFS="$tab" read -r key target; do
    aws s3api put-object --bucket "portal-$site" --key "$key" --website-redirect-location "$target"
  done
done

# Pass 2: the deleted files of every portal, except the old pages whose
# key is now a redirect.
for site in $(jq -r '.sites[].site' changes.json); do
  redirects "public/$site/_redirects" | cut -f 1 > keep.txt
  jq -r --arg s "$site" '.sites[] | select(.site == $s) | .delete[]' changes.json |
    sort | comm -23 - keep.txt > delete.txt
  rclone delete --files-from delete.txt "cdn:portal-$site"
done
