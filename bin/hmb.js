#!/usr/bin/env node
// Installed entry point: Node 22 strips the types of the .ts module it imports.
import './hmb.ts';
