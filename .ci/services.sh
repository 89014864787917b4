# shellcheck shell=bash
#
# Storage services for the integration tests (package ./integration):
# MinIO for Amazon S3 and Azurite for Azure Blob Storage, both real servers
# listening on 127.0.0.1. (Google Cloud Storage is emulated inside the test
# process and needs nothing from here.)
#
# Sourced, it installs what is missing, starts both servers, creates a bucket
# and a container named "rendition", exports the variables the tests read and
# registers an EXIT trap that stops the servers and removes their data:
#
#	source .ci/services.sh
#	go test -race ./integration/
#
# Run as a command, it does the same around the command given:
#
#	bash .ci/services.sh go test -race -count=1 ./integration/
#
# Exported: RENDITION_TEST_S3_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# RENDITION_TEST_AZBLOB_URL, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_KEY and
# RENDITION_VARNISHD (Debian's varnish is installed when missing). A
# service whose URL variable is already set is left to the caller and not
# started.
#
# Installed once, into ${RENDITION_CI_CACHE:-$HOME/.cache/rendition-ci}:
# the minio binary, built from source with the Go toolchain (about 8 minutes
# on 2 cores), and Azurite from npm (about a minute). Later runs reuse them
# and start in seconds. Packages missing from the machine (curl, openssl,
# npm) are installed with apt-get.
#
# It works under set -euo pipefail and does not change the caller's shell
# options. It keeps an EXIT trap set before it, and traps INT and TERM to
# exit (running the EXIT trap) unless they are trapped already. Its own
# names start with _rci_.

_rci_minio_module=github.com/minio/minio
_rci_minio_version=v0.0.0-20260212201848-7aac2a2c5b7c
_rci_azurite_version=3.35.0

_rci_cache=${RENDITION_CI_CACHE:-$HOME/.cache/rendition-ci}
_rci_minio_bin=$_rci_cache/bin/minio
_rci_azurite_dir=$_rci_cache/azurite-$_rci_azurite_version

# MinIO's credentials, and Azurite's well-known development account: both
# are test values that only open servers on the loopback interface.
_rci_minio_user=minioadmin
_rci_minio_password=minioadmin123
_rci_azure_account=devstoreaccount1
_rci_azure_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
_rci_bucket=rendition

_rci_log() {
	printf 'services: %s\n' "$*" >&2
}

# _rci_need_packages installs, with apt-get, the Debian packages given as
# command:package pairs whose command is missing.
_rci_need_packages() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	_rci_log "installing ${missing[*]}"
	apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# _rci_install_minio builds the pinned minio unless the cached binary is
# already that version.
_rci_install_minio() {
	if [ -x "$_rci_minio_bin" ] &&
		go version -m "$_rci_minio_bin" 2>/dev/null |
		grep -q "^[[:space:]]*mod[[:space:]]*$_rci_minio_module[[:space:]]*$_rci_minio_version[[:space:]]"; then
		return 0
	fi
	_rci_log "building minio $_rci_minio_version (about 8 minutes, once)"
	local tmp
	tmp=$(mktemp -d "$_rci_cache/bin.XXXXXX") || return 1
	if ! GOBIN=$tmp go install "$_rci_minio_module@$_rci_minio_version"; then
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$(dirname "$_rci_minio_bin")" &&
		mv -f "$tmp/minio" "$_rci_minio_bin" || return 1
	rm -rf "$tmp"
}

# _rci_install_azurite installs the pinned Azurite from npm unless it is
# cached. It installs into a new directory and renames it, so that an
# interrupted install is never taken for a complete one.
_rci_install_azurite() {
	[ -x "$_rci_azurite_dir/node_modules/.bin/azurite-blob" ] && return 0
	_rci_log "installing azurite $_rci_azurite_version from npm (once)"
	local tmp
	tmp=$(mktemp -d "$_rci_cache/azurite.XXXXXX") || return 1
	if ! npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error \
		"azurite@$_rci_azurite_version" >/dev/null; then
		rm -rf "$tmp"
		return 1
	fi
	chmod 755 "$tmp" && rm -rf "$_rci_azurite_dir" && mv "$tmp" "$_rci_azurite_dir"
}

# _rci_port_free reports whether nothing listens on 127.0.0.1:$1.
_rci_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# _rci_free_port prints the first port from $1 up, in steps of 10, at which
# $2 consecutive ports are free.
_rci_free_port() {
	local port=$1 n=$2 i ok
	while [ "$port" -lt 65000 ]; do
		ok=1
		for ((i = 0; i < n; i++)); do
			_rci_port_free $((port + i)) || { ok=0; break; }
		done
		[ "$ok" = 1 ] && { echo "$port"; return 0; }
		port=$((port + 10))
	done
	_rci_log "no free port from $1"
	return 1
}

# _rci_wait waits until the command "$3..." succeeds, for at most 60
# seconds, while the server of pid $2, named $1, is running. On failure it
# shows the end of the server's log, $_rci_dir/$1.log.
_rci_wait() {
	local name=$1 pid=$2 i
	shift 2
	for ((i = 0; i < 300; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			_rci_log "$name exited while starting; its log ends with:"
			tail -n 20 "$_rci_dir/$name.log" >&2
			return 1
		fi
		"$@" && return 0
		sleep 0.2
	done
	_rci_log "$name not ready after 60 s; its log ends with:"
	tail -n 20 "$_rci_dir/$name.log" >&2
	return 1
}

_rci_minio_ready() {
	curl -sf -o /dev/null "http://127.0.0.1:$_rci_minio_port/minio/health/ready"
}

_rci_azurite_ready() {
	# Any HTTP answer means it listens; curl prints 000 when nothing does.
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$_rci_azurite_port/")" != 000 ]
}

_rci_start_minio() {
	_rci_minio_port=$(_rci_free_port 19000 2) || return 1
	mkdir -p "$_rci_dir/minio-data" || return 1
	MINIO_ROOT_USER=$_rci_minio_user MINIO_ROOT_PASSWORD=$_rci_minio_password \
		MINIO_UPDATE=off MINIO_BROWSER=off \
		"$_rci_minio_bin" server "$_rci_dir/minio-data" --quiet \
		--address "127.0.0.1:$_rci_minio_port" \
		--console-address "127.0.0.1:$((_rci_minio_port + 1))" \
		>"$_rci_dir/minio.log" 2>&1 &
	_rci_pids+=($!)
	_rci_wait minio $! _rci_minio_ready || return 1

	local status
	status=$(curl -s -o "$_rci_dir/minio-bucket.out" -w '%{http_code}' -X PUT \
		--aws-sigv4 "aws:amz:us-east-1:s3" --user "$_rci_minio_user:$_rci_minio_password" \
		"http://127.0.0.1:$_rci_minio_port/$_rci_bucket")
	if [ "$status" != 200 ]; then
		_rci_log "minio: creating bucket $_rci_bucket: HTTP $status"
		cat "$_rci_dir/minio-bucket.out" >&2
		return 1
	fi
	export AWS_ACCESS_KEY_ID=$_rci_minio_user
	export AWS_SECRET_ACCESS_KEY=$_rci_minio_password
	export RENDITION_TEST_S3_URL="s3://$_rci_bucket?endpoint=http://127.0.0.1:$_rci_minio_port&use_path_style=true&region=us-east-1"
	_rci_log "minio on 127.0.0.1:$_rci_minio_port, bucket $_rci_bucket"
}

# _rci_azure_put_container creates the container $_rci_bucket with a
# request signed by the account key (Shared Key authorization).
_rci_azure_put_container() {
	local version=2021-12-02 date sig status
	date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
	# VERB, eleven standard headers (all empty, Content-Length too since it
	# is 0), the x-ms- headers, then the resource: account, path, query.
	sig=$(printf 'PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:%s\nx-ms-version:%s\n/%s/%s/%s\nrestype:container' \
		"$date" "$version" "$_rci_azure_account" "$_rci_azure_account" "$_rci_bucket" |
		openssl dgst -sha256 -binary -mac HMAC \
			-macopt "hexkey:$(printf '%s' "$_rci_azure_key" | base64 -d | od -An -v -tx1 | tr -d ' \n')" |
		base64)
	status=$(curl -s -o "$_rci_dir/azurite-container.out" -w '%{http_code}' -X PUT \
		-H "x-ms-date: $date" -H "x-ms-version: $version" -H 'Content-Length: 0' \
		-H "Authorization: SharedKey $_rci_azure_account:$sig" \
		"http://127.0.0.1:$_rci_azurite_port/$_rci_azure_account/$_rci_bucket?restype=container")
	if [ "$status" != 201 ]; then
		_rci_log "azurite: creating container $_rci_bucket: HTTP $status"
		cat "$_rci_dir/azurite-container.out" >&2
		return 1
	fi
}

_rci_start_azurite() {
	_rci_azurite_port=$(_rci_free_port 10010 1) || return 1
	# The Azure SDK the tests build with sends an API version newer than
	# this Azurite knows; --skipApiVersionCheck lets it answer anyway.
	"$_rci_azurite_dir/node_modules/.bin/azurite-blob" \
		--blobHost 127.0.0.1 --blobPort "$_rci_azurite_port" \
		--inMemoryPersistence --disableTelemetry --silent --skipApiVersionCheck \
		>"$_rci_dir/azurite.log" 2>&1 &
	_rci_pids+=($!)
	_rci_wait azurite $! _rci_azurite_ready || return 1
	_rci_azure_put_container || return 1

	export AZURE_STORAGE_ACCOUNT=$_rci_azure_account
	export AZURE_STORAGE_KEY=$_rci_azure_key
	export RENDITION_TEST_AZBLOB_URL="azblob://$_rci_bucket?protocol=http&domain=127.0.0.1:$_rci_azurite_port&localemu=true"
	_rci_log "azurite on 127.0.0.1:$_rci_azurite_port, container $_rci_bucket"
}

# _rci_stop_servers stops the servers and removes their data.
_rci_stop_servers() {
	local pid
	for pid in "${_rci_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${_rci_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	_rci_pids=()
	if [ -n "${_rci_dir:-}" ]; then
		rm -rf "$_rci_dir"
		_rci_dir=
	fi
}

# _rci_on_exit is the EXIT trap: it stops the servers, then runs the EXIT
# trap that was set before, if any.
_rci_on_exit() {
	_rci_stop_servers
	eval "${_rci_prev_exit_trap:-}"
}

# _rci_set_traps makes EXIT stop the servers, keeping an earlier EXIT trap,
# and makes INT and TERM exit (so that the EXIT trap runs) unless they are
# trapped already.
_rci_set_traps() {
	local sig
	# Sourced a second time in the same shell: the traps are set already.
	[ "$(trap -p EXIT)" = "trap -- '_rci_on_exit' EXIT" ] && return 0
	_rci_prev_exit_trap=
	if [ -n "$(trap -p EXIT)" ]; then
		eval "set -- $(trap -p EXIT)" # trap -- 'command' EXIT
		_rci_prev_exit_trap=$3
	fi
	trap _rci_on_exit EXIT
	for sig in INT TERM; do
		if [ -z "$(trap -p "$sig")" ]; then
			# shellcheck disable=SC2064 # the status is fixed now
			trap "exit $((128 + $(kill -l "$sig")))" "$sig"
		fi
	done
}

# _rci_main installs and starts the services. Every step checks its own
# status, since set -e does not apply within a function called by ||; on
# failure it stops what it started.
_rci_main() {
	local start=$SECONDS
	# Servers started by an earlier sourcing in this shell are kept.
	_rci_pids=(${_rci_pids[@]+"${_rci_pids[@]}"})
	mkdir -p "$_rci_cache" || return 1
	_rci_need_packages curl:curl openssl:openssl || return 1
	# Varnish, for the CDN-in-front test (the test starts its own varnishd).
	if [ ! -x /usr/sbin/varnishd ] && ! command -v varnishd >/dev/null 2>&1; then
		_rci_need_packages varnishd:varnish || return 1
	fi
	RENDITION_VARNISHD=$(command -v varnishd || echo /usr/sbin/varnishd)
	export RENDITION_VARNISHD
	if [ -z "${RENDITION_TEST_S3_URL:-}" ]; then
		_rci_install_minio || return 1
	fi
	if [ -z "${RENDITION_TEST_AZBLOB_URL:-}" ]; then
		_rci_need_packages node:nodejs npm:npm || return 1
		_rci_install_azurite || return 1
	fi
	if [ -z "${_rci_dir:-}" ]; then
		_rci_dir=$(mktemp -d "${TMPDIR:-/tmp}/rendition-services.XXXXXX") || return 1
	fi
	_rci_set_traps
	if [ -z "${RENDITION_TEST_S3_URL:-}" ]; then
		_rci_start_minio || { _rci_stop_servers; return 1; }
	fi
	if [ -z "${RENDITION_TEST_AZBLOB_URL:-}" ]; then
		_rci_start_azurite || { _rci_stop_servers; return 1; }
	fi
	_rci_log "ready in $((SECONDS - start)) s"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# Run as a command: start the services, run the arguments, stop them.
	set -euo pipefail
	if [ $# -eq 0 ]; then
		echo "usage: bash $0 command [args...]   or, in a script: source $0" >&2
		exit 2
	fi
	_rci_main || exit 1
	"$@"
else
	_rci_main || return 1
fi
