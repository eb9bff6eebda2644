@echo off
REM Install step on Windows: checks that the Node.js runtime the component needs is present.
REM Nothing is downloaded or compiled.
where node >nul 2>nul
IF ERRORLEVEL 1 (
    echo aws.greengrass.labs.CertificateRotator needs Node.js 20 or later, but node was not found on the PATH 1>&2
    exit /b 1
)
node -e "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)"
IF ERRORLEVEL 1 (
    echo aws.greengrass.labs.CertificateRotator needs Node.js 20 or later; this device has: 1>&2
    node --version 1>&2
    exit /b 1
)
node --version
exit /b 0
