/* Made by tests/fuzz/mkbearer.mjs: public keys only. */
static const char fuzz_jwks[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"Ad8lQBdwI9W8t1_yizc4i4m8"
    "MTwF1dUYO-612hC9N7s\",\"y\":\"Ms-MbFgNxM5bhSCUHOLT4lNqMA182bBLbGqu4E"
    "qhu1I\",\"kid\":\"fuzz-ec\",\"alg\":\"ES256\",\"use\":\"sig\"},{\"kty\":\"RSA\",\""
    "n\":\"05WjPf01YWHoDI2m_I41b4K1i4UERJylocWl87Vso6nF_05haiIxbJKOuI77"
    "AKdja3qZ_gk7FrJIAP1uRhmr-QpJnV-sZoiIsARljO7A-znZoutO9eXg7HUUrDWq"
    "IvWuiVgy29PJWD6Z9TdFUmifCA0uCI6JMOWETcGQ3XptFcsX6bS5ulXEPPAmbKX7"
    "lF9Eyq0zQnIOWAxGbCxrbqdsqKZJe3W-4vsqjpK1iZGmIAA02fry93u764tIBEQL"
    "-2eX2rbYScd26iZHWxqu5eKJCW1KFyH1LXUtYtIisjvZs-YYvxvZmWdzrNdAExG7"
    "9g8QNtjUvw5CUlWV7UvnxDLddQ\",\"e\":\"AQAB\",\"kid\":\"fuzz-rsa\",\"alg\":\"R"
    "S256\",\"use\":\"sig\"}]}";
