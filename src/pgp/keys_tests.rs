use super::*;
use crate::pgp::testkeys::{self, ALICE, BOB, DAVE, DISABLED, OLD, REVOKED, SIGN_ONLY};

#[test]
fn each_recipient_gets_the_state_of_its_key() {
    let keys = testkeys::keyrings();
    let addresses = [
        ALICE,
        "BOB@Example.TEST",
        OLD,
        REVOKED,
        DISABLED,
        SIGN_ONLY,
        DAVE,
        "nobody@example.test",
        // A substring of Bob's address is not Bob.
        "ob@example.test",
    ];
    let states = check_recipients(&keys.gpg, &addresses).unwrap();
    let states: Vec<KeyState> = states.into_iter().map(|(_, state)| state).collect();
    let usable = |address| KeyState::Usable {
        fingerprint: keys.fingerprint(address),
    };
    assert_eq!(
        states,
        [
            usable(ALICE),
            usable(BOB),
            KeyState::Expired,
            KeyState::Revoked,
            KeyState::Disabled,
            KeyState::CannotEncrypt,
            KeyState::NotValid,
            KeyState::NoKey,
            KeyState::NoKey,
        ]
    );
    assert!(check_recipients(&keys.gpg, &[]).unwrap().is_empty());
}

#[test]
fn own_keys_are_the_secret_keys_that_still_work() {
    let keys = testkeys::keyrings();
    let own = secret_keys(&keys.gpg).unwrap();
    let alice = own
        .iter()
        .find(|k| k.fingerprint == keys.fingerprint(ALICE));
    let alice = alice.expect("Alice's key is listed");
    assert_eq!(alice.user_ids, ["Alice <alice@example.test>"]);
    assert!(alice.can_sign && alice.can_encrypt);
    let signer = own
        .iter()
        .find(|k| k.user_ids[0].contains(SIGN_ONLY))
        .unwrap();
    assert!(signer.can_sign && !signer.can_encrypt);
    assert!(!own.iter().any(|k| k.user_ids[0].contains(DAVE)));
    assert!(!own.iter().any(|k| k.user_ids[0].contains(OLD)));
    assert!(!own.iter().any(|k| k.user_ids[0].contains(REVOKED)));
}

#[test]
fn the_best_of_several_keys_wins_and_escaped_user_ids_are_read() {
    let listing = "\
pub:e:255:22:1111:1500000000:1600000000::u:::sc:::::ed25519:::0:
fpr:::::::::OLDFPR:
uid:e::::1500000000::H::Carol\\x3a Work <carol@example.test>::::::::::0:
pub:f:255:22:2222:1700000000:::-:::scESC:::::ed25519:::0:
fpr:::::::::NEWFPR:
uid:f::::1700000000::H::Carol\\x3a Work <Carol@Example.test>::::::::::0:
sub:f:255:18:3333:1700000000::::::e:::::cv25519::
fpr:::::::::SUBFPR:
";
    let keys = parse_listing(listing);
    assert_eq!(keys[0].uids[0].1, "Carol: Work <carol@example.test>");
    assert_eq!(keys[1].fingerprint, "NEWFPR");
    assert_eq!(
        best_state(&keys, "carol@example.test"),
        KeyState::Usable {
            fingerprint: "NEWFPR".into()
        }
    );
    assert_eq!(
        best_state(&keys[..1], "carol@example.test"),
        KeyState::Expired
    );
    assert_eq!(email_of("bare@example.test"), "bare@example.test");
}
