import sys

from openlpse.bids.client import main

sys.exit(main())
