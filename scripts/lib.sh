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

# The artifact bucket install.sh makes when given none: one per account and region, like SAM's managed
# bucket. 35 + 12 + 1 + len(region) characters: 62 for today's longest region names, S3 allows 63.
managed_bucket() {
  local name="datadog-serverless-macro-artifacts-$1-$2"
  [[ ${#name} -le 63 ]] || die "the bucket name $name is longer than S3's 63 characters; give --bucket or --bucket-prefix"
  echo "$name"
}

# Sets ACCOUNT to the caller's account id (with --dry-run: prints the call; <account-id> stands for it).
caller_account() {
  if [[ $DRY_RUN == 1 ]]; then
    aws_call sts get-caller-identity --query Account --output text --region "$1"
    ACCOUNT="<account-id>"
    return 0
  fi
  ACCOUNT="$("$AWS" sts get-caller-identity --query Account --output text --region "$1")" ||
    die "could not get the account id (aws sts get-caller-identity); check the aws CLI's credentials"
  [[ "$ACCOUNT" =~ ^[0-9]{12}$ ]] || die "aws sts get-caller-identity gave '$ACCOUNT', not an account id"
}

# The settings of a managed bucket: private, encrypted at rest with S3-managed keys (SSE-S3), versioned,
# ACLs disabled. Each as an aws s3api call (after the bucket arguments), one per line of this table.
BUCKET_SETTINGS=(
  "put-public-access-block --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
  'put-bucket-encryption --server-side-encryption-configuration {"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  "put-bucket-versioning --versioning-configuration Status=Enabled"
  "put-bucket-ownership-controls --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]"
)

# Whether BUCKET already has setting N of BUCKET_SETTINGS (any default encryption counts: an administrator
# may have chosen SSE-KMS, which is kept).
bucket_has_setting() {
  local n="$1" bucket="$2" region="$3" account="$4" got
  local where=(--bucket "$bucket" --region "$region" --expected-bucket-owner "$account")
  case "$n" in
    0) got="$("$AWS" s3api get-public-access-block "${where[@]}" --output text \
         --query "[PublicAccessBlockConfiguration.BlockPublicAcls,PublicAccessBlockConfiguration.IgnorePublicAcls,PublicAccessBlockConfiguration.BlockPublicPolicy,PublicAccessBlockConfiguration.RestrictPublicBuckets]" 2>/dev/null)" &&
         [[ ${got//[[:space:]]/} == TrueTrueTrueTrue ]] ;;
    1) got="$("$AWS" s3api get-bucket-encryption "${where[@]}" --output text \
         --query "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm" 2>/dev/null)" &&
         [[ -n $got && $got != None ]] ;;
    2) got="$("$AWS" s3api get-bucket-versioning "${where[@]}" --output text --query Status 2>/dev/null)" && [[ $got == Enabled ]] ;;
    3) got="$("$AWS" s3api get-bucket-ownership-controls "${where[@]}" --output text \
         --query "OwnershipControls.Rules[0].ObjectOwnership" 2>/dev/null)" && [[ $got == BucketOwnerEnforced ]] ;;
  esac
}

# Creates BUCKET in REGION for ACCOUNT with BUCKET_SETTINGS, or reuses it when this account owns it (and
# adds any setting it lacks, e.g. after an interrupted run). Fails, saying why, when another account owns
# the name (S3 names are global) or S3 refuses. Prints what it did.
ensure_bucket() {
  local bucket="$1" region="$2" account="$3" output n fixed=() setting words
  local owner=(--expected-bucket-owner "$account")
  local create=(s3api create-bucket --bucket "$bucket" --region "$region")
  [[ $region == us-east-1 ]] || create+=(--create-bucket-configuration "LocationConstraint=$region")
  if [[ $DRY_RUN == 1 ]]; then
    aws_call s3api head-bucket --bucket "$bucket" "${owner[@]}" --region "$region"
    echo "  (if it is missing; when this account owns it, it is reused and only settings it lacks are made)"
    aws_call "${create[@]}"
    for setting in "${BUCKET_SETTINGS[@]}"; do
      read -r -a words <<<"$setting"
      aws_call s3api "${words[0]}" --bucket "$bucket" --region "$region" "${owner[@]}" "${words[@]:1}"
    done
    return 0
  fi

  local new=0
  if output="$("$AWS" s3api head-bucket --bucket "$bucket" "${owner[@]}" --region "$region" 2>&1)"; then
    :
  elif [[ $output == *"(404)"* || $output == *NoSuchBucket* ]]; then
    if output="$("$AWS" "${create[@]}" 2>&1)"; then
      new=1
    elif [[ $output != *BucketAlreadyOwnedByYou* ]]; then
      if [[ $output == *BucketAlreadyExists* ]]; then
        echo "error: $region: the bucket name $bucket is taken by another AWS account; give your own bucket with --bucket or --bucket-prefix" >&2
      else
        echo "error: $region: could not create bucket $bucket: ${output//$'\n'/ }" >&2
      fi
      return 1
    fi
  elif [[ $output == *"(403)"* ]]; then
    echo "error: $region: bucket $bucket exists but is not owned by account $account (or you may not s3:ListBucket it): it cannot hold the macro's code; give your own bucket with --bucket or --bucket-prefix" >&2
    return 1
  else
    echo "error: $region: could not check bucket $bucket: ${output//$'\n'/ }" >&2
    return 1
  fi

  for n in "${!BUCKET_SETTINGS[@]}"; do
    [[ $new == 0 ]] && bucket_has_setting "$n" "$bucket" "$region" "$account" && continue
    read -r -a words <<<"${BUCKET_SETTINGS[$n]}"
    if ! output="$("$AWS" s3api "${words[0]}" --bucket "$bucket" --region "$region" "${owner[@]}" "${words[@]:1}" 2>&1)"; then
      echo "error: $region: ${words[0]} on bucket $bucket failed: ${output//$'\n'/ }" >&2
      return 1
    fi
    fixed+=("${words[0]#put-}")
  done
  if [[ $new == 1 ]]; then
    echo "$region: created bucket s3://$bucket (private, encrypted, versioned)"
  elif [[ ${#fixed[@]} -gt 0 ]]; then
    echo "$region: reusing bucket s3://$bucket; set what it lacked: ${fixed[*]}"
  else
    echo "$region: reusing bucket s3://$bucket"
  fi
}
