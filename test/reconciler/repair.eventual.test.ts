// The repair suite against a localcloud whose reads lag its writes, as AWS's do.
import '../support/eventual-consistency.js';
import './repair.test.js';
