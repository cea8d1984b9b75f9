//! Network building blocks shared by the socket sessions and the mail
//! protocols.

pub mod cert;
pub mod chunk;
pub mod escape;
mod fd_copy;
pub mod hub;
pub mod inspect;
pub mod listener;
pub mod pins;
pub mod pipe;
pub mod pipe_budget;
pub mod pipe_buffer;
pub mod pipe_cli;
mod pipe_direct;
pub mod pipe_limits;
mod pipe_output;
mod pipe_stdin;
pub mod registry;
pub mod repeat;
pub mod rules;
pub mod session;
pub mod sink;
pub mod starttls;
pub mod stream;
pub mod tcp;
pub mod timefmt;
pub mod tls;
pub mod tls_report;
pub mod transcript;
pub mod udp;
pub mod verdict;
pub mod visible;
