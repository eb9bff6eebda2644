@echo off
REM Run step on Windows. The component exits with 0 only to have Greengrass restart with the
REM new credentials; there is no single command to restart the Greengrass service, so the
REM device reboots instead. Any other exit code is passed on to Greengrass.
REM A 1 MiB young generation keeps the idle process small (see recipe.yaml).
node --max-semi-space-size=1 "%~dp0..\main.cjs"
set EC=%ERRORLEVEL%
echo Certificate rotator exited with code %EC%
IF %EC% EQU 0 (
    echo Rebooting the device ...
    shutdown /r
)
exit /b %EC%
