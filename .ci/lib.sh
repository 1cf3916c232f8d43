# Shared by the .ci/setup-*.sh scripts (sourced, never run): installing what they need.

# apt-get install PACKAGES..., as root or through sudo, quietly. The package lists are
# fetched once per CI run (.ci/run exports SOCIALOPS_CI_APT_STAMP; each setup script that
# installs would otherwise run apt-get update again).
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${SOCIALOPS_CI_APT_STAMP:-}" ] || [ ! -e "$SOCIALOPS_CI_APT_STAMP" ]; then
    $sudo apt-get update -qq >/dev/null
    [ -z "${SOCIALOPS_CI_APT_STAMP:-}" ] || touch "$SOCIALOPS_CI_APT_STAMP"
  fi
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# npm, from Debian's packages when the machine has none.
ensure_npm() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
}

# npm_pinned DIR PACKAGE VERSION: PACKAGE@VERSION installed in DIR (outside the repository),
# unless that version is there already.
npm_pinned() {
  local dir="$1" package="$2" version="$3"
  if [ -f "$dir/node_modules/$package/package.json" ] &&
     grep -q "\"version\": \"$version\"" "$dir/node_modules/$package/package.json"; then
    return 0
  fi
  ensure_npm
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo "{\"name\": \"socialops-ci-$package\", \"private\": true}" > "$dir/package.json"
  (cd "$dir" && npm install --silent --no-audit --no-fund --save-exact "$package@$version" >/dev/null)
}

# npm_from_manifest DIR MANIFEST: the packages a package.json of the repository pins,
# installed in DIR, unless that manifest was installed there already (a stamp holds its hash).
npm_from_manifest() {
  local dir="$1" manifest="$2" want
  want="$(sha256sum "$manifest" | cut -d' ' -f1)"
  if [ -f "$dir/installed" ] && [ "$(cat "$dir/installed")" = "$want" ]; then
    return 0
  fi
  ensure_npm
  mkdir -p "$dir"
  cp "$manifest" "$dir/package.json"
  (cd "$dir" && npm install --silent --no-audit --no-fund >/dev/null)
  echo "$want" > "$dir/installed"
}
