# shellcheck shell=bash
#
# Real clients for the compatibility tests: Chromium for the browser test of
# examples/server, and ImageKit's Node.js SDK for the tests of ./compat
# (imgix's Go SDK is an ordinary Go test dependency and needs nothing here).
#
# Sourced from the repository's root, it installs what is missing and
# exports the variables that tell those tests they may run:
#
#	source .ci/clients.sh
#	go test -race ./compat/ ./examples/server/
#
# Exported: RENDITION_CHROMIUM (the Chromium binary) and RENDITION_NODE (the
# node command). Without them the tests skip, saying how to run them.
#
# Installed with apt-get when missing: Debian's chromium (about 35 s), and
# nodejs and npm. The SDK is installed by "npm ci" into
# compat/imagekit-node/node_modules from its lock file, with npm's cache in
# ${RENDITION_CI_CACHE:-$HOME/.cache/rendition-ci}/npm so that later runs
# need no download.
#
# It works under set -euo pipefail and does not change the caller's shell
# options; its own names start with _rcl_.

_rcl_cache=${RENDITION_CI_CACHE:-$HOME/.cache/rendition-ci}

_rcl_log() {
	printf 'clients: %s\n' "$*" >&2
}

# _rcl_install_missing installs, with apt-get, Debian's chromium when there
# is no /usr/bin/chromium, and nodejs and npm when their commands are missing.
_rcl_install_missing() {
	local missing=()
	[ -x /usr/bin/chromium ] || missing+=(chromium)
	command -v node >/dev/null 2>&1 || missing+=(nodejs)
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	_rcl_log "installing ${missing[*]}"
	apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# _rcl_main installs the clients and exports the variables. Every step
# checks its own status, since set -e does not apply within a function
# called by ||.
_rcl_main() {
	local start=$SECONDS
	if [ ! -f compat/imagekit-node/package-lock.json ]; then
		_rcl_log "run from the repository's root: no compat/imagekit-node/package-lock.json in $PWD"
		return 1
	fi
	_rcl_install_missing || return 1
	if [ ! -x /usr/bin/chromium ]; then
		_rcl_log "no /usr/bin/chromium after installing Debian's chromium"
		return 1
	fi
	mkdir -p "$_rcl_cache/npm" || return 1
	_rcl_log "npm ci in compat/imagekit-node"
	(cd compat/imagekit-node &&
		npm ci --cache "$_rcl_cache/npm" --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) ||
		return 1
	export RENDITION_CHROMIUM=/usr/bin/chromium
	export RENDITION_NODE=node
	_rcl_log "$(/usr/bin/chromium --version 2>/dev/null), node $(node --version), ready in $((SECONDS - start)) s"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "usage, from the repository's root: source .ci/clients.sh" >&2
	exit 2
fi
_rcl_main || return 1
