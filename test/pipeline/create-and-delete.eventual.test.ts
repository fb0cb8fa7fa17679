// The create-and-delete suite against a localcloud whose reads lag its writes, as AWS's do: the saga's
// "not found just after create" paths run end to end.
import '../support/eventual-consistency.js';
import './create-and-delete.test.js';
