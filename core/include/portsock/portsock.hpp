// portsock: Python's socket vocabulary for C++. Include this one header.
//
//     portsock::socket s{portsock::family::inet, portsock::type::stream};
//     s.connect(portsock::endpoint::parse("127.0.0.1", 50675));
//     std::string reply = s.recv(1024);
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/error.hpp>
#include <portsock/loop.hpp>
#include <portsock/names.hpp>
#include <portsock/multicast.hpp>
#include <portsock/native.hpp>
#include <portsock/poller.hpp>
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>
#include <portsock/socketstream.hpp>
#include <portsock/types.hpp>
#include <portsock/version.hpp>
