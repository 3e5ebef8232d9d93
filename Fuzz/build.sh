#!/usr/bin/env bash
# Builds one libFuzzer binary per target into .build-fuzz/bin without SwiftPM: the parser modules' sources are
# compiled directly with swiftc (-sanitize=fuzzer,address), once per module, and each target links them with the
# C libraries it needs. Only the layers a parser lives in are compiled, never Hummingbird or NIO.
# Usage: Fuzz/build.sh [target...]   (default: every Fuzz/Targets/*.swift)
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFTC=${SWIFTC:-swiftc}
OUT=${FUZZ_BUILD_DIR:-.build-fuzz}
# -O keeps Swift's bounds and overflow checks (only -Ounchecked drops them) and runs many times more inputs.
OPT=${FUZZ_OPT:--O}
SANITIZE=-sanitize=fuzzer,address
# What Package.swift gives these targets: Swift 6 mode, one package (for `package` access), ExistentialAny.
LANGUAGE=(-swift-version 6 -package-name parley -enable-upcoming-feature ExistentialAny)
SYSTEM=Sources/Server/System
mkdir -p "$OUT/modules" "$OUT/objects" "$OUT/bin"

# CShims has no module map of its own (SwiftPM writes one for C targets); give it one.
mkdir -p "$OUT/cshims"
cat >"$OUT/cshims/module.modulemap" <<EOF
module CShims {
    header "$PWD/$SYSTEM/CShims/include/CShims.h"
    export *
}
EOF
INCLUDES=(-I "$OUT/modules" -I "$SYSTEM/COpenSSL" -I "$SYSTEM/CPcap" -I "$SYSTEM/COpus" -I "$OUT/cshims")
LIBS=(-lssl -lcrypto -lopus -lpcap)

# Rebuild a product only when one of its inputs (or this script) is newer.
stale() { # output inputs...
    local output=$1
    shift
    [[ ! -e $output ]] && return 0
    local input
    for input in "$0" "$@"; do [[ $input -nt $output ]] && return 0; done
    return 1
}

# Each module: its sources, then the modules it imports (built first; a change there rebuilds it).
module_sources() {
    case $1 in
    ParleyCrypto) find Sources/Server/Crypto -name '*.swift' | sort ;;
    ParleyWire) find Sources/Server/Wire -name '*.swift' | sort ;;
    ParleyTime) find Sources/Server/Time -name '*.swift' | sort ;;
    ParleyRooms) find Sources/Server/Rooms -name '*.swift' | sort ;;
    # The one JSON parser every face uses: no Foundation, no HTTP layer.
    ParleyJSON) find Sources/Server/JSON -name '*.swift' | sort ;;
    *) echo "fuzz build: unknown module $1" >&2; return 1 ;;
    esac
}
module_dependencies() {
    case $1 in
    ParleyWire) echo ParleyCrypto ;;
    ParleyRooms) echo ParleyTime ;;
    esac
}
# The modules a target links, in dependency order.
target_modules() {
    case $1 in
    json) echo ParleyJSON ;;
    roomframe) echo ParleyTime ParleyRooms ParleyJSON ;;
    *) echo ParleyCrypto ParleyWire ;;
    esac
}
# Sources compiled into the target itself, for parsers whose types are internal to a layer that cannot be compiled
# alone: the room socket's action parser and what it uses, without the Hummingbird connection around it.
target_sources() {
    case $1 in
    # MiroTalk's V8 error wording and JavaScript conversions on top of the shared parser.
    json) printf '%s\n' Sources/Server/HTTP/MiroTalk/JSONValue+V8.swift Sources/Server/HTTP/MiroTalk/JSONValue+JavaScript.swift ;;
    roomframe)
        local dir=Sources/Server/HTTP/RoomSocket
        printf '%s\n' $dir/RoomSocketAction.swift $dir/RoomSocketEnvelope.swift $dir/RoomAgenda.swift \
            $dir/RoomSocketCloseCode.swift $dir/RoomSocketWire.swift
        ;;
    esac
}

declare -A BUILT=()
swift_module() { # name
    local name=$1 dependency
    [[ -n ${BUILT[$name]:-} ]] && return 0
    local inputs=()
    for dependency in $(module_dependencies "$name"); do
        swift_module "$dependency"
        inputs+=("$OUT/objects/$dependency.o")
    done
    local sources
    mapfile -t sources < <(module_sources "$name")
    local object="$OUT/objects/$name.o"
    BUILT[$name]=1
    stale "$object" "${sources[@]}" "${inputs[@]}" || return 0
    echo "fuzz build: module $name (${#sources[@]} files)" >&2
    "$SWIFTC" -module-name "$name" -parse-as-library -wmo $OPT $SANITIZE -g "${LANGUAGE[@]}" "${INCLUDES[@]}" \
        -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" -c "${sources[@]}" -o "$object"
    # swiftc leaves an unchanged object untouched; its time must still say it is up to date.
    touch "$object"
}

if stale "$OUT/objects/CShims.o" "$SYSTEM/CShims/shims.c"; then
    clang -O1 -g -fsanitize=address -I "$SYSTEM/CShims/include" -c "$SYSTEM/CShims/shims.c" -o "$OUT/objects/CShims.o"
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for file in Fuzz/Targets/*.swift; do targets+=("$(basename "$file" .swift)"); done
fi
for target in "${targets[@]}"; do
    source="Fuzz/Targets/$target.swift"
    binary="$OUT/bin/fuzz-$target"
    objects=("$OUT/objects/CShims.o")
    for module in $(target_modules "$target"); do
        swift_module "$module"
        objects+=("$OUT/objects/$module.o")
    done
    mapfile -t sources < <(target_sources "$target")
    stale "$binary" "$source" "${sources[@]}" "${objects[@]}" || continue
    echo "fuzz build: target $target" >&2
    "$SWIFTC" -module-name "Fuzz_$target" -parse-as-library $OPT $SANITIZE -g "${LANGUAGE[@]}" "${INCLUDES[@]}" \
        -use-ld=lld "$source" "${sources[@]}" "${objects[@]}" "${LIBS[@]}" -o "$binary"
    touch "$binary"
done
