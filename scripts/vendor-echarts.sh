#!/usr/bin/env bash
# Refresh the vendored Apache ECharts from the npm registry (the app serves it; intranets have no CDN).
# Usage: scripts/vendor-echarts.sh 6.1.0   — then update the file name in dangjian/templates/components/charts.html.
set -euo pipefail
VERSION="${1:?version}"
DEST="$(cd "$(dirname "$0")/.." && pwd)/dangjian/static/dangjian/vendor"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack "echarts@$VERSION" >/dev/null && tar xzf "echarts-$VERSION.tgz")
rm -f "$DEST"/echarts-*.min.js
cp "$TMP/package/dist/echarts.min.js" "$DEST/echarts-$VERSION.min.js"
cp "$TMP/package/LICENSE" "$DEST/echarts-LICENSE.txt"
sha256sum "$DEST/echarts-$VERSION.min.js"
