# What only a real Windows host shows about address reuse (wine's sockets are
# Linux sockets, whose rules refuse what Windows may allow, so a refusal under
# wine proves nothing about Windows). Run by the hosted Windows jobs in
# .github/workflows/ci.yml after the build:
#
#     pwsh -NoProfile -File ci/windows-restart.ps1 -Apps build/windows-msvc/apps
#
# 1. thankyou-server listens on the wildcard address 0.0.0.0:Port and serves
#    clients; it closes each connection first, which leaves TIME_WAIT on the
#    server's side (checked with netstat, so that step 4 proves something).
# 2. A second thankyou-server on 0.0.0.0:Port and on 127.0.0.1:Port (a more
#    specific address beside the wildcard listener) is refused, "in use".
# 3. Another process (this one) asking for SO_REUSEADDR, the option that on
#    Windows binds a port in use unless its holder set SO_EXCLUSIVEADDRUSE,
#    cannot bind 0.0.0.0:Port or 127.0.0.1:Port.
# 4. The server is stopped and at once started again on the same port, while
#    its closed connections are in TIME_WAIT, and serves a client.
#
# Exits non-zero, saying which step failed, if either promise is broken. The
# fixed port is fine on a hosted runner only (nothing else runs there); it is
# below Windows' dynamic range (49152-65535), where ephemeral ports and the
# ranges Hyper-V and winnat reserve would collide with it.
param(
    [Parameter(Mandatory = $true)][string]$Apps,
    [int]$Port = 42317,
    [int]$Clients = 5
)
$ErrorActionPreference = 'Stop'
$server = Join-Path $Apps 'thankyou-server.exe'
$client = Join-Path $Apps 'thankyou-client.exe'
$expected = 'Thank you for connecting with the socket'
$temp = if ($env:RUNNER_TEMP) { $env:RUNNER_TEMP } else { [System.IO.Path]::GetTempPath() }

function Start-Server([string]$Tag) {
    $out = Join-Path $temp "thankyou-$Tag.out"
    $err = Join-Path $temp "thankyou-$Tag.err"
    $p = Start-Process -FilePath $server -ArgumentList '--host', '0.0.0.0', '--port', $Port `
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
    # A reserved port fails the bind like one in use: show the reservations.
    $reserved = (netsh interface ipv4 show excludedportrange protocol=tcp) -join "`n"
    throw "thankyou-server ($Tag) did not start listening on 0.0.0.0:${Port}: $text`n$reserved"
}

function Invoke-Clients([int]$Count) {
    for ($i = 1; $i -le $Count; $i++) {
        $got = & $client --host 127.0.0.1 --port $Port
        if ($LASTEXITCODE -ne 0 -or $got -ne $expected) {
            throw "client $i on port ${Port}: exit $LASTEXITCODE, got '$got'"
        }
    }
}

# Connections on the port in TIME_WAIT, as netstat lists them (local address first).
function Get-TimeWaitCount {
    @(netstat -an -p TCP | Select-String -Pattern "^\s*TCP\s+\S+:$Port\s+\S+\s+TIME_WAIT").Count
}

# Step 2: a second thankyou-server on $HostName while the first listens.
function Assert-SecondServerRefused([string]$HostName) {
    $err = Join-Path $temp "thankyou-second-$HostName.err"
    $second = Start-Process -FilePath $server -ArgumentList '--host', $HostName, '--port', $Port `
        -RedirectStandardOutput (Join-Path $temp "thankyou-second-$HostName.out") `
        -RedirectStandardError $err -PassThru -NoNewWindow -Wait
    $text = (Get-Content $err -Raw)
    $want = "bind to ${HostName}:${Port}: Address already in use"
    if ($second.ExitCode -ne 1 -or $text -notmatch [regex]::Escape($want)) {
        throw "a second server on ${HostName}:$Port was not refused as in use: exit $($second.ExitCode), '$text'"
    }
    Write-Output "a second server on ${HostName}:$Port was refused: $($text.Trim())"
}

# Step 3: a socket of this process, with SO_REUSEADDR, binding $Address.
function Assert-NotStolen([string]$Address) {
    $thief = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
    try {
        $thief.SetSocketOption('Socket', 'ReuseAddress', $true)
        $bound = $false
        try {
            $thief.Bind([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Parse($Address), $Port))
            $bound = $true
        } catch {
            $e = $_.Exception
            while ($e.InnerException) { $e = $e.InnerException }
            Write-Output "SO_REUSEADDR bind of ${Address}:$Port from another process refused: $($e.Message)"
        }
        if ($bound) { throw "another process took ${Address}:$Port with SO_REUSEADDR while the server listened" }
    } finally {
        $thief.Dispose()
    }
}

$first = Start-Server 'first'
try {
    Invoke-Clients $Clients
    Write-Output "served $Clients clients on port $Port; each connection closed by the server first"
    Assert-SecondServerRefused '0.0.0.0'
    Assert-SecondServerRefused '127.0.0.1'
    Assert-NotStolen '0.0.0.0'
    Assert-NotStolen '127.0.0.1'
} finally {
    Stop-Process -Id $first.Id -Force -ErrorAction SilentlyContinue
    $first.WaitForExit()
}

$timeWait = Get-TimeWaitCount
Write-Output "server stopped; connections in TIME_WAIT on port ${Port}: $timeWait"
if ($timeWait -lt 1) {
    throw "no connection on port $Port is in TIME_WAIT: the restart below would prove nothing"
}

# Step 4: at once, on the same port.
$again = Start-Server 'again'
try {
    Invoke-Clients 1
    Write-Output "restarted at once on 0.0.0.0:$Port and served a client"
} finally {
    Stop-Process -Id $again.Id -Force -ErrorAction SilentlyContinue
}
