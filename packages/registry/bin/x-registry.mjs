#!/usr/bin/env node
// The `x-registry` command: a committed launcher for the built CLI (dist/bin.js), so that the
// workspace can link the bin before the package is built.
import '../dist/bin.js';
