// Included by the scale bench and by the server's bench (core/src/tests/server_engine.rs),
// so that both time the same searches.
/// Searches as an admin types them: names, part of a name, email, extension, number, and
/// one- and two-character starts.
const SEARCHES: &[&str] = &[
    "olivia johnson",
    "kowalski",
    "son",
    "zoë",
    "o'connor",
    "amara.okafor1",
    "+1512555",
    "5550123",
    "201234",
    "jo",
    "k",
];
