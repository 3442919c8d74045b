# Shared by the install scripts: argument checks, the aws CLI, and --dry-run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AWS="${AWS_CLI:-aws}"
DRY_RUN=0

die() {
  echo "error: $*" >&2
  exit 2
}

need_aws() {
  [[ $DRY_RUN == 1 ]] && return 0
  command -v "$AWS" >/dev/null 2>&1 || die "the aws CLI is needed and was not found ($AWS); install it (https://aws.amazon.com/cli/) or set AWS_CLI"
}

need_build() {
  [[ -f "$ROOT/dist/macro.zip" && -f "$ROOT/dist/cli.js" ]] || die "dist/macro.zip is missing; run 'npm ci && npm run build' first"
  command -v node >/dev/null 2>&1 || die "node is needed (Node.js 20 or newer)"
}

# Runs an aws command, or with --dry-run prints it, quoted only where the shell needs it.
aws_call() {
  if [[ $DRY_RUN == 1 ]]; then
    local line="would run: aws" arg
    for arg in "$@"; do
      if [[ "$arg" =~ ^[A-Za-z0-9_./:=,@+%-]+$ ]]; then line+=" $arg"; else line+=" '${arg//\'/\'\\\'\'}'"; fi
    done
    echo "$line"
  else
    "$AWS" "$@"
  fi
}

macro_version() {
  node -p "require('$ROOT/package.json').version"
}

# Content-addressed key: a new build gets a new key, so CloudFormation updates the function's code.
artifact_key() {
  local prefix="$1" digest
  digest="$(sha256sum "$ROOT/dist/macro.zip" | cut -c1-12)"
  echo "${prefix:+${prefix%/}/}datadog-serverless-macro/$(macro_version)/macro-${digest}.zip"
}

# --parameter KEY=VALUE, as CloudFormation's ParameterKey=...,ParameterValue=... (into PARAMETERS).
add_parameter() {
  [[ "$1" =~ ^[A-Za-z0-9]+=.*$ ]] || die "--parameter takes KEY=VALUE, not '$1'"
  PARAMETERS+=("ParameterKey=${1%%=*},ParameterValue=${1#*=}")
}

split_commas() {
  local IFS=,
  # shellcheck disable=SC2206
  SPLIT=($1)
}

valid_region() {
  [[ "$1" =~ ^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$ ]] || die "'$1' is not an AWS region (for example us-east-1)"
}
