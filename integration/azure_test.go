package integration_test

import (
	"testing"

	_ "gocloud.dev/blob/azureblob"
)

// TestAzure runs against the Azure Blob Storage container at
// $RENDITION_TEST_AZBLOB_URL, such as
// "azblob://rendition?protocol=http&domain=127.0.0.1:10010&localemu=true"
// for an Azurite server, with the account in AZURE_STORAGE_ACCOUNT and
// AZURE_STORAGE_KEY.
func TestAzure(t *testing.T) {
	t.Parallel()
	testBackend(t, envOrSkip(t, "RENDITION_TEST_AZBLOB_URL"))
}
