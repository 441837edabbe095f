# bash completion for ollama-netcfg(8)

_ollama_netcfg_units() {
    # Installed Ollama service units, loaded or not (not this tool's own).
    {
        systemctl list-unit-files --no-legend --type=service 'ollama*' 2>/dev/null
        systemctl list-units --all --no-legend --plain --type=service 'ollama*' 2>/dev/null
    } | awk '$1 !~ /^ollama-netcfg/ {print $1}' | sort -u
}

_ollama_netcfg() {
    local cur prev words cword
    _init_completion || return

    local global="--json -q --quiet -v --verbose -h --help --version"
    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            expose | reset | origins | status | check | proxy-config) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
        --unit)
            mapfile -t COMPREPLY < <(compgen -W "$(_ollama_netcfg_units)" -- "$cur")
            return ;;
        --root) _filedir -d; return ;;
        --prometheus | --cacert | --cert | --key | --api-key-file | --basic-auth-file | \
            --basic-auth) _filedir; return ;;
        --drop-in)
            mapfile -t COMPREPLY < <(compgen -W "override.conf" -- "$cur")
            return ;;
        --timeout | -t | --expect | --from | --url | --server-name | -w | --warning | -c | \
            --critical | --model | --origin | --allow-origin | --container) return ;;
    esac

    if [[ -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W "expose reset origins status check proxy-config $global" \
            -- "$cur")
        return
    fi

    local opts="--unit --drop-in --timeout -h --help"
    case $cmd in
        expose) opts+=" --no-rollback --dry-run --root --runtime --grant-low-port --open-firewall
                       --from --allow-origin --for-containers --container --client-env
                       --yes-any-site" ;;
        reset) opts+=" --no-rollback --dry-run --root --runtime --origins --container
                      --client-env" ;;
        origins) opts+=" --no-rollback --dry-run --root --runtime --preset --yes-any-site" ;;
        status) opts+=" --expect --from --url --cacert --insecure --origin --api-key-file
                       --basic-auth-file --container" ;;
        check) opts+=" --expect --from --url --cacert --insecure --prometheus -w --warning -c
                      --critical -t --model --origin --api-key-file --basic-auth-file
                      --container --record --max-age --accept-partial" ;;
        proxy-config) opts="--server-name --cert --key --unit --expect --api-key-file --basic-auth
                            -h --help" ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [[ $cmd == expose ]]; then
        mapfile -t COMPREPLY < <(compgen -W "0.0.0.0 [::] 127.0.0.1" -- "$cur")
    elif [[ $cmd == origins && ${words[cword - 1]} == --preset ]]; then
        mapfile -t COMPREPLY < <(compgen -W "browser-extensions chrome-extensions
            firefox-extensions safari-extensions" -- "$cur")
    elif [[ $cmd == origins && ${words[cword - 1]} == origins ]]; then
        mapfile -t COMPREPLY < <(compgen -W "add remove list" -- "$cur")
    elif [[ $cmd == proxy-config ]]; then
        mapfile -t COMPREPLY < <(compgen -W "nginx caddy" -- "$cur")
    fi
}
complete -F _ollama_netcfg ollama-netcfg
