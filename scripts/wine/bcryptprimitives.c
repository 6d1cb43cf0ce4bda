/* ProcessPrng for wine 8, which lacks bcryptprimitives.dll: Rust's std (and getrandom) on
 * Windows import ProcessPrng from it. Only for running the Windows unit tests under wine
 * (scripts/test-windows.sh); never shipped. Fills the buffer from RtlGenRandom
 * (advapi32's SystemFunction036), which wine 8 does implement. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
