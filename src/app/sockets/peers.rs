//! The peers of a UDP session and where its replies go: to the last
//! sender unless the user chose one — the same rule as `wirepost listen
//! --udp`. Each peer keeps when it was last heard from, for its idle time.

use std::net::SocketAddr;
use std::time::Instant;

/// One address a UDP session exchanged datagrams with.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    pub addr: SocketAddr,
    /// When it last sent us a datagram (or when we first sent to it).
    pub last_seen: Instant,
    pub datagrams_in: u64,
}

/// The peers in the order they were first seen, and the reply target.
#[derive(Debug, Clone, Default)]
pub struct Peers {
    list: Vec<Peer>,
    /// The peer chosen by the user; None follows the last sender.
    chosen: Option<usize>,
    /// The peer that sent the newest datagram.
    last_sender: Option<usize>,
}

impl Peers {
    pub fn list(&self) -> &[Peer] {
        &self.list
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The index of the peer that replies go to, if any.
    pub fn target_index(&self) -> Option<usize> {
        self.chosen.or(self.last_sender)
    }

    /// Where replies go: the chosen peer, else the last sender.
    pub fn target(&self) -> Option<SocketAddr> {
        self.target_index().map(|i| self.list[i].addr)
    }

    /// Whether the target follows whoever sent last.
    pub fn follows_last_sender(&self) -> bool {
        self.chosen.is_none()
    }

    /// The peer `addr` sent a datagram.
    pub fn heard_from(&mut self, addr: SocketAddr, at: Instant) {
        let index = self.index_of(addr, at);
        let peer = &mut self.list[index];
        peer.last_seen = at;
        peer.datagrams_in += 1;
        self.last_sender = Some(index);
    }

    /// We sent to `addr`; it becomes known without becoming the last
    /// sender.
    pub fn sent_to(&mut self, addr: SocketAddr, at: Instant) {
        self.index_of(addr, at);
    }

    fn index_of(&mut self, addr: SocketAddr, at: Instant) -> usize {
        match self.list.iter().position(|p| p.addr == addr) {
            Some(index) => index,
            None => {
                self.list.push(Peer {
                    addr,
                    last_seen: at,
                    datagrams_in: 0,
                });
                self.list.len() - 1
            }
        }
    }

    /// Replies go to `addr` from now on (it becomes known if new).
    pub fn choose(&mut self, addr: SocketAddr) {
        let index = self.index_of(addr, Instant::now());
        self.chosen = Some(index);
    }

    /// Replies follow the last sender again.
    pub fn follow_last_sender(&mut self) {
        self.chosen = None;
    }

    /// The next choice in turn: the last sender, then each peer; false
    /// when there is no peer to choose.
    pub fn cycle(&mut self) -> bool {
        if self.list.is_empty() {
            return false;
        }
        self.chosen = match self.chosen {
            None => Some(0),
            Some(i) if i + 1 < self.list.len() => Some(i + 1),
            Some(_) => None,
        };
        true
    }

    pub fn clear(&mut self) {
        *self = Peers::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn replies_follow_the_last_sender_until_one_is_chosen() {
        let mut peers = Peers::default();
        let now = Instant::now();
        assert_eq!(peers.target(), None);
        peers.heard_from(addr(1), now);
        peers.heard_from(addr(2), now);
        assert_eq!(peers.target(), Some(addr(2)));
        peers.heard_from(addr(1), now);
        assert_eq!(peers.target(), Some(addr(1)), "the first peer spoke last");
        peers.choose(addr(2));
        peers.heard_from(addr(1), now);
        assert_eq!(peers.target(), Some(addr(2)), "a choice sticks");
        peers.follow_last_sender();
        assert_eq!(peers.target(), Some(addr(1)));
        peers.sent_to(addr(3), now);
        assert_eq!(peers.target(), Some(addr(1)), "sending makes no sender");
        assert_eq!(peers.list().len(), 3);
    }

    #[test]
    fn cycling_passes_through_following_the_last_sender() {
        let mut peers = Peers::default();
        assert!(!peers.cycle());
        let now = Instant::now();
        peers.heard_from(addr(1), now);
        peers.heard_from(addr(2), now);
        let mut seen = Vec::new();
        for _ in 0..3 {
            peers.cycle();
            seen.push(peers.follows_last_sender());
        }
        assert_eq!(seen, [false, false, true]);
    }
}
