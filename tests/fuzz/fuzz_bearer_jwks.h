/* Made by tests/fuzz/mkbearer.mjs: public keys only. */
static const char fuzz_jwks[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"jsWHza72Akrfgvc5QkyMQrEr"
    "OsKhfYq7opzrK4qRx8o\",\"y\":\"rhuYb0ayN9WJvIQSU7BuJwn9qN-VOqGvG4TYMp"
    "hUUEo\",\"kid\":\"fuzz-ec\",\"alg\":\"ES256\",\"use\":\"sig\"},{\"kty\":\"RSA\",\""
    "n\":\"jy3w569mCuz7IrEJc6ecbWHttEo9qEyumE-PyrheudQFNlx5oNwDB2rIc0-i"
    "1zP6p2oSjYGHAKGwb-RTR6v8IciQsBz-rxcQCcdSmPNBglj0ZoDM2-zuIzukhaaR"
    "5rWja7yDD3FjeB4RHKRDYScFBgoCcFFCCRHQLC1saNZdmvia76iAG9ou2a8tTY5u"
    "H0gUq3jUUFi5XMaeE7MS3PzSEwL81G8sV75liW7clWroupgdPJuZrFKHztYvMY-S"
    "PL2frORE4F1AF0JUfs7cSEmJE5Jp1yMU1oqqDX76LAaWf8TdJj5bbLi3vFd_dVk8"
    "nIsoODdrRc8ZdlBlwk537AuqRQ\",\"e\":\"AQAB\",\"kid\":\"fuzz-rsa\",\"alg\":\"R"
    "S256\",\"use\":\"sig\"}]}";
