# The Windows pollers at scale on Windows' own stack, which wine cannot show
# (its server walks every pending AFD poll: ci/BENCHMARKS.md). Run by the
# hosted Windows jobs in .github/workflows/ci.yml after the build:
#
#     pwsh -NoProfile -File ci/windows-scale.ps1 -Apps build/windows-msvc/apps
#
# For each poller (AFD, the default; select, by PORTSOCK_WINDOWS_POLLER):
# 1. echo-server.exe on 127.0.0.1, port 0, loaded by sockbench concurrent
#    (2,000 connections, one 32-byte message in flight on each, 40,000
#    messages; the client always on AFD): its rate, p99, and the server's
#    CPU time per 1,000 messages (ci/wine-echo-cpu.sh's figure);
# 2. sockbench pollwait, 10 ready of 100 and of 10,000 registered: the p50
#    of a wait and the process's CPU per wait.
# Exits non-zero, saying which run failed, if any does.
param(
    [Parameter(Mandatory = $true)][string]$Apps,
    [int]$Connections = 2000,
    [int]$Messages = 40000
)
$ErrorActionPreference = 'Stop'
$server = Join-Path $Apps 'echo-server.exe'
$bench = Join-Path $Apps 'sockbench.exe'
$temp = if ($env:RUNNER_TEMP) { $env:RUNNER_TEMP } else { [System.IO.Path]::GetTempPath() }

# Starts echo-server.exe with the poller; returns the process and its port.
function Start-EchoServer([string]$Poller) {
    $out = Join-Path $temp "echo-server-$Poller.out"
    $err = Join-Path $temp "echo-server-$Poller.err"
    $env:PORTSOCK_WINDOWS_POLLER = $Poller
    try {
        $p = Start-Process -FilePath $server -ArgumentList '--tcp', '--host', '127.0.0.1', '--port', '0' `
            -RedirectStandardOutput $out -RedirectStandardError $err -PassThru -NoNewWindow
    } finally {
        Remove-Item Env:PORTSOCK_WINDOWS_POLLER
    }
    # Wait for its "serving TCP on 127.0.0.1:PORT" (or its exit), 20 s at most.
    $deadline = (Get-Date).AddSeconds(20)
    while ((Get-Date) -lt $deadline) {
        if (Test-Path $out) {
            $m = Select-String -Path $out -Pattern 'on 127\.0\.0\.1:(\d+)' | Select-Object -First 1
            if ($m) { return @{ Process = $p; Port = [int]$m.Matches[0].Groups[1].Value } }
        }
        if ($p.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }
    if (-not $p.HasExited) { Stop-Process -Id $p.Id -Force }
    $text = if (Test-Path $err) { Get-Content $err -Raw } else { '' }
    throw "echo-server.exe ($Poller) did not start serving on 127.0.0.1: $text"
}

# Runs sockbench with the arguments and returns its JSON line as an object.
function Invoke-Sockbench([string[]]$Arguments) {
    # stderr is merged for the error message; the JSON is stdout's last line.
    $output = & $bench @Arguments --json 2>&1
    if ($LASTEXITCODE -ne 0) { throw "sockbench $($Arguments -join ' '): exit $LASTEXITCODE, $output" }
    return ($output | Where-Object { $_ -is [string] } | Select-Object -Last 1 | ConvertFrom-Json)
}

$failed = @()
foreach ($poller in 'afd', 'select') {
    $s = $null
    try {
        $s = Start-EchoServer $poller
        $before = $s.Process.TotalProcessorTime
        $r = Invoke-Sockbench @('concurrent', '--host', '127.0.0.1', '--port', "$($s.Port)",
            '--connections', "$Connections", '--size', '32', '--count', "$Messages")
        $cpu = ($s.Process.TotalProcessorTime - $before).TotalMilliseconds / ($r.operations / 1000)
        '{0,-7} echo-server, {1} connections: {2} messages, {3:N0}/s, p99 {4:N0} us, server CPU {5:N1} ms per 1,000' -f `
            $poller, $Connections, $r.operations, $r.rate, $r.p99_us, $cpu
    } catch {
        $failed += "$poller echo-server: $_"
        Write-Output "$poller echo-server: FAILED: $_"
    } finally {
        if ($s) { Stop-Process -Id $s.Process.Id -Force -ErrorAction SilentlyContinue }
    }
    foreach ($registered in 100, 10000) {
        $env:PORTSOCK_WINDOWS_POLLER = $poller
        try {
            $r = Invoke-Sockbench @('pollwait', '--registered', "$registered", '--ready', '10', '--seconds', '3')
            '{0,-7} pollwait, 10 ready of {1}: p50 {2:N1} us per wait, CPU {3:N1} us per wait' -f `
                $poller, $registered, $r.p50_us, ($r.cpu_s * 1e6 / $r.operations)
        } catch {
            $failed += "$poller pollwait $registered`: $_"
            Write-Output "$poller pollwait, $registered registered: FAILED: $_"
        } finally {
            Remove-Item Env:PORTSOCK_WINDOWS_POLLER
        }
    }
}
if ($failed.Count -gt 0) {
    throw "windows-scale: $($failed.Count) run(s) failed:`n$($failed -join "`n")"
}
