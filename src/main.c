#include "ast.h"
int main(void){return 0;}
