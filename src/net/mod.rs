//! Network building blocks shared by the socket sessions and the mail
//! protocols.

pub mod tls;
