# What only a real Windows host shows about address reuse (wine emulates
# SO_EXCLUSIVEADDRUSE; it is not Windows' TCP stack): thankyou-server serves
# clients, is stopped, and starts again at once on the same port while the
# connections it closed are in TIME_WAIT; a second server on a port the first
# listens on is refused with "address in use". Run by the hosted Windows jobs
# in .github/workflows/ci.yml after the build:
#
#     pwsh -NoProfile -File ci/windows-restart.ps1 -Apps build/windows-msvc/apps
#
# Exits non-zero, saying which step failed, if either promise is broken.
param(
    [Parameter(Mandatory = $true)][string]$Apps,
    [int]$Port = 50707,
    [int]$Clients = 5
)
$ErrorActionPreference = 'Stop'
$server = Join-Path $Apps 'thankyou-server.exe'
$client = Join-Path $Apps 'thankyou-client.exe'
$expected = 'Thank you for connecting with the socket'

function Start-Server([string]$Tag) {
    $out = Join-Path $env:RUNNER_TEMP "thankyou-$Tag.out"
    $err = Join-Path $env:RUNNER_TEMP "thankyou-$Tag.err"
    $p = Start-Process -FilePath $server -ArgumentList '--host', '127.0.0.1', '--port', $Port `
        -RedirectStandardOutput $out -RedirectStandardError $err -PassThru -NoNewWindow
    # Wait for the server's own word that it listens (or its exit), 20 s at most.
    $deadline = (Get-Date).AddSeconds(20)
    while ((Get-Date) -lt $deadline) {
        if ((Test-Path $out) -and (Select-String -Path $out -Pattern 'The socket is listening' -Quiet)) {
            return $p
        }
        if ($p.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }
    $text = if (Test-Path $err) { Get-Content $err -Raw } else { '' }
    throw "thankyou-server ($Tag) did not start listening on port ${Port}: $text"
}

function Invoke-Clients([int]$Count) {
    for ($i = 1; $i -le $Count; $i++) {
        $got = & $client --host 127.0.0.1 --port $Port
        if ($LASTEXITCODE -ne 0 -or $got -ne $expected) {
            throw "client $i on port ${Port}: exit $LASTEXITCODE, got '$got'"
        }
    }
}

$first = Start-Server 'first'
Invoke-Clients $Clients
Write-Output "served $Clients clients on port $Port; each connection closed by the server first"

# A second server while the first listens: refused, with the port in use.
$second = Start-Process -FilePath $server -ArgumentList '--host', '127.0.0.1', '--port', $Port `
    -RedirectStandardError (Join-Path $env:RUNNER_TEMP 'thankyou-second.err') -PassThru -NoNewWindow -Wait
$secondErr = Get-Content (Join-Path $env:RUNNER_TEMP 'thankyou-second.err') -Raw
if ($second.ExitCode -ne 1 -or $secondErr -notmatch 'bind to 127\.0\.0\.1:' -or $secondErr -notmatch 'in use') {
    Stop-Process -Id $first.Id -Force
    throw "a second server on port $Port was not refused as 'address in use': exit $($second.ExitCode), $secondErr"
}
Write-Output "a second server on port $Port was refused: $($secondErr.Trim())"

Stop-Process -Id $first.Id -Force
$first.WaitForExit()
$timeWait = @(Get-NetTCPConnection -LocalPort $Port -State TimeWait -ErrorAction SilentlyContinue).Count
Write-Output "server stopped; connections in TIME_WAIT on port ${Port}: $timeWait"

# At once, on the same port.
$again = Start-Server 'again'
Invoke-Clients 1
Write-Output "restarted at once on port $Port and served a client"
Stop-Process -Id $again.Id -Force
